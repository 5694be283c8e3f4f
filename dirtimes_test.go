package ferry

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDirTimesUnderLoad syncs a tree of about 300 files in nested
// directories, whose source directories have times in the past, and checks
// that every destination directory ends with its source's mtime: whatever
// the order in which the concurrent file jobs, hard links, deletions,
// partial-data cleanups and handed-off copies finish, a directory's times
// are set after the last change inside it. Each case runs several times,
// with GOMAXPROCS varied and a goroutine burning CPU, because a write
// landing after the times were set shows only in some interleavings.
// FERRY_DIRTIMES_RUNS=N runs each case N times (a stress run).
func TestDirTimesUnderLoad(t *testing.T) {
	runs := 2
	if testing.Short() {
		runs = 1
	}
	if n, err := strconv.Atoi(os.Getenv("FERRY_DIRTIMES_RUNS")); err == nil && n > 0 {
		runs = n
	}
	burnCPU(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	procs := []int{1, 2, 3, 4, 8}

	for ci, tc := range dirTimesCases {
		t.Run(tc.name, func(t *testing.T) {
			for i := range runs {
				n := procs[(ci+i)%len(procs)]
				runtime.GOMAXPROCS(n)
				base := t.TempDir()
				src, dst := filepath.Join(base, "src"), filepath.Join(base, "dst")
				rng := rand.New(rand.NewPCG(uint64(i), 7))
				makeDirTimesTree(t, src, rng, tc.hardLinks)
				if tc.before != nil {
					o := DefaultOptions()
					o.Filters, o.DeltaLocal = tc.opts.Filters, tc.opts.DeltaLocal
					if _, err := Sync(t.Context(), src+"/", dst, o); err != nil {
						t.Fatalf("first sync: %v", err)
					}
					tc.before(t, src, dst, rng)
				}
				ageDirs(t, src)
				o := tc.opts
				if _, err := Sync(t.Context(), src+"/", dst, o); err != nil {
					t.Fatalf("run %d (GOMAXPROCS=%d): %v", i, n, err)
				}
				if bad := wrongDirTimes(t, src, dst); len(bad) > 0 {
					t.Fatalf("run %d (GOMAXPROCS=%d): %d directories with the wrong mtime: %s", i, n, len(bad), strings.Join(bad, "; "))
				}
				os.RemoveAll(base)
			}
		})
	}
}

// dirTimesCase is one way of syncing for TestDirTimesUnderLoad: before,
// if set, runs after a first plain sync and changes the source or the
// destination; then the sync with opts runs.
type dirTimesCase struct {
	name      string
	hardLinks bool // the source has hard links across directories
	before    func(t *testing.T, src, dst string, rng *rand.Rand)
	opts      Options
}

var dirTimesCases = []dirTimesCase{
	{name: "new", opts: DefaultOptions()},
	{name: "no-handoff", opts: withOpts(func(o *Options) { o.BWLimit = 1 << 40 })},
	{name: "delete", before: addExtraneous, opts: withOpts(func(o *Options) { o.Delete = true })},
	{name: "hard-links", hardLinks: true, opts: withOpts(func(o *Options) { o.HardLinks = true })},
	{name: "hard-links-update-delete", hardLinks: true, before: func(t *testing.T, src, dst string, rng *rand.Rand) {
		updateFiles(t, src, rng, false)
		addExtraneous(t, src, dst, rng)
	}, opts: withOpts(func(o *Options) { o.HardLinks, o.Delete = true, true })},
	{name: "excludes-delete", before: addExtraneous, opts: withOpts(func(o *Options) {
		o.Delete, o.Filters = true, []string{"- *.o", "- cache/"}
	})},
	{name: "checksum", before: func(t *testing.T, src, dst string, rng *rand.Rand) {
		updateFiles(t, src, rng, true)
	}, opts: withOpts(func(o *Options) { o.Checksum = true })},
	{name: "update", before: func(t *testing.T, src, dst string, rng *rand.Rand) {
		updateFiles(t, src, rng, false)
	}, opts: DefaultOptions()},
	{name: "inplace", before: func(t *testing.T, src, dst string, rng *rand.Rand) {
		updateFiles(t, src, rng, false)
	}, opts: withOpts(func(o *Options) { o.Inplace = true })},
	{name: "delta-partial", before: func(t *testing.T, src, dst string, rng *rand.Rand) {
		updateFiles(t, src, rng, false)
		addPartials(t, src, dst, rng)
	}, opts: withOpts(func(o *Options) { o.DeltaLocal = true })},
}

func withOpts(f func(o *Options)) Options {
	o := DefaultOptions()
	f(&o)
	return o
}

// burnCPU keeps one goroutine busy until the test ends, so that the
// sync's goroutines are preempted at more varied points.
func burnCPU(t *testing.T) {
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	go func() {
		x := 0
		for {
			select {
			case <-done:
				return
			default:
			}
			for range 10000 {
				x = x*31 + 1
			}
		}
	}()
}

// makeDirTimesTree writes about 300 files in directories three levels
// deep, of varied sizes (a few large enough to take a while), some
// symlinks, excluded names, empty directories and, with hardLinks, links
// between directories.
func makeDirTimesTree(t *testing.T, root string, rng *rand.Rand, hardLinks bool) {
	t.Helper()
	var files []string
	put := func(p string) {
		full := filepath.Join(root, p)
		check(t, os.MkdirAll(filepath.Dir(full), 0o755))
		check(t, os.WriteFile(full, fileData(rng, p), 0o644))
		files = append(files, p)
	}
	for f := range 25 {
		put(fmt.Sprintf("f%02d", f))
	}
	for d := range 5 {
		top := fmt.Sprintf("d%d", d)
		for f := range 10 {
			put(fmt.Sprintf("%s/f%02d", top, f))
		}
		for s := range 3 {
			sub := fmt.Sprintf("%s/s%d", top, s)
			for f := range 10 {
				put(fmt.Sprintf("%s/f%02d", sub, f))
			}
			for f := range 5 {
				put(fmt.Sprintf("%s/t/f%02d", sub, f))
			}
		}
		check(t, os.MkdirAll(filepath.Join(root, top, "empty"), 0o755))
		check(t, os.Symlink("f00", filepath.Join(root, top, "s0", "link")))
		check(t, os.WriteFile(filepath.Join(root, top, "x.o"), []byte("obj"), 0o644))
	}
	if hardLinks {
		for i := range 20 {
			leader := files[rng.IntN(len(files))]
			follower := fmt.Sprintf("d%d/s%d/h%02d", rng.IntN(5), rng.IntN(3), i)
			check(t, os.Link(filepath.Join(root, leader), filepath.Join(root, follower)))
		}
	}
}

// fileData is the content of a file: mostly small, sometimes 64 KiB to
// 320 KiB.
func fileData(rng *rand.Rand, p string) []byte {
	n := rng.IntN(4096)
	if rng.IntN(20) == 0 {
		n = 64<<10 + rng.IntN(256<<10)
	}
	off := rng.IntN(len(randomBytes) - n)
	return append([]byte(p+"\n"), randomBytes[off:off+n]...)
}

// randomBytes is where fileData takes its bytes from.
var randomBytes = func() []byte {
	b := make([]byte, 1<<20)
	rand.NewChaCha8([32]byte{1}).Read(b)
	return b
}()

// updateFiles rewrites about a third of the source files: with sameSize,
// with other bytes of the same length and the same mtime (only -c sees
// the change), else with new contents.
func updateFiles(t *testing.T, src string, rng *rand.Rand, sameSize bool) {
	t.Helper()
	filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		check(t, err)
		if !d.Type().IsRegular() || rng.IntN(3) != 0 {
			return nil
		}
		fi, err := os.Stat(p)
		check(t, err)
		b, err := os.ReadFile(p)
		check(t, err)
		if sameSize {
			b[len(b)-1]++
		} else {
			b = fileData(rng, p)
		}
		check(t, os.WriteFile(p, b, 0o644))
		if sameSize {
			check(t, os.Chtimes(p, fi.ModTime(), fi.ModTime()))
		}
		return nil
	})
}

// addExtraneous puts files and directories (some holding excluded names)
// that the source lacks into the destination's directories: first in a
// directory, last in it, and at every depth.
func addExtraneous(t *testing.T, src, dst string, rng *rand.Rand) {
	t.Helper()
	var dirs []string
	filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
		check(t, err)
		if d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	for _, d := range dirs {
		if rng.IntN(3) == 0 {
			continue
		}
		write(t, d, map[string]string{
			"aa-extra":                "x",
			"zz-extra":                "x",
			"aa-dir/f":                "x",
			"zz-dir/f":                "x",
			"zz-dir/sub/g":            "x",
			"zz-dir/keep.o":           "x",
			"zz-dir/cache/kept":       "x",
			"zzz-dir/sub/deeper/file": "x",
		})
	}
}

// addPartials leaves partial data in the destination's partial
// directories, as an interrupted run does, for some of the files that
// changed in the source: the next run uses it as the basis and removes it.
func addPartials(t *testing.T, src, dst string, rng *rand.Rand) {
	t.Helper()
	filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		check(t, err)
		if !d.Type().IsRegular() || rng.IntN(4) != 0 {
			return nil
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		check(t, err)
		pd := filepath.Join(dst, filepath.Dir(rel), ".ferry-partial")
		check(t, os.MkdirAll(pd, 0o700))
		check(t, os.WriteFile(filepath.Join(pd, filepath.Base(rel)), b[:len(b)/2], 0o600))
		return nil
	})
}

// ageDirs gives every source directory a distinct time in the past, the
// deepest first.
func ageDirs(t *testing.T, root string) {
	t.Helper()
	var dirs []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		check(t, err)
		if d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	base := time.Date(2003, 4, 5, 6, 7, 8, 0, time.UTC)
	for i := len(dirs) - 1; i >= 0; i-- {
		ts := base.Add(time.Duration(i) * time.Hour)
		check(t, os.Chtimes(dirs[i], ts, ts))
	}
}

// wrongDirTimes lists the destination directories whose mtime is not
// their source's (excluded "cache" directories aside).
func wrongDirTimes(t *testing.T, src, dst string) []string {
	t.Helper()
	var bad []string
	filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		check(t, err)
		if !d.IsDir() {
			return nil
		}
		if d.Name() == "cache" {
			return fs.SkipDir
		}
		rel, _ := filepath.Rel(src, p)
		fs, err := os.Stat(p)
		check(t, err)
		fd, err := os.Stat(filepath.Join(dst, rel))
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s: %v", rel, err))
			return nil
		}
		if !fd.ModTime().Equal(fs.ModTime()) {
			bad = append(bad, fmt.Sprintf("%s: %v, want %v", rel, fd.ModTime().UTC(), fs.ModTime().UTC()))
		}
		return nil
	})
	return bad
}
