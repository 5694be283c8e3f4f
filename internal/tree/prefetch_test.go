package tree

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// countingDirs is a DirSource that counts the directories its source had
// results for.
type countingDirs struct {
	DirSource
	mu     sync.Mutex
	served int
}

func (c *countingDirs) ReadDir(k DirKey, fd int) ([]string, []unix.Stat_t, bool) {
	names, stats, ok := c.DirSource.ReadDir(k, fd)
	if ok {
		c.mu.Lock()
		c.served++
		c.mu.Unlock()
	}
	return names, stats, ok
}

// prefetchTree builds 20 directories with a subdirectory each, a file in
// every one, an empty directory, and symlinks that would loop if followed
// (42 directories with the root).
func prefetchTree(t *testing.T) string {
	dir := t.TempDir()
	spec := []string{"f", "loop -> .", "up -> ..", "empty/"}
	for i := range 20 {
		spec = append(spec, fmt.Sprintf("d%02d/e%d/f", i, i%3), fmt.Sprintf("d%02d/g", i))
	}
	buildTree(t, dir, spec...)
	return dir
}

// TestPrefetchReadsWholeTree checks that a Prefetcher with no walk reads
// every directory once, never follows a symlink (a loop would never end),
// and ends by itself; and that it stops when asked.
func TestPrefetchReadsWholeTree(t *testing.T) {
	root := openRoot(t, prefetchTree(t))
	for _, c := range []struct {
		name      string
		recursive bool
		want      int
	}{{"recursive", true, 42}, {"top only", false, 1}} {
		t.Run(c.name, func(t *testing.T) {
			p := newPrefetcher(t.Context(), root, ".", PrefetchOptions{Recursive: c.recursive}, prefetchWorkers, 0, prefetchHold)
			defer p.Stop()
			<-p.done // ends by itself
			if p.reads != c.want {
				t.Errorf("read %d directories, want %d", p.reads, c.want)
			}
		})
	}
	t.Run("stop", func(t *testing.T) {
		for _, start := range []string{"d00", "f", "loop", filepath.Join("missing", "dir")} {
			StartPrefetch(t.Context(), root, start, PrefetchOptions{Recursive: true}).Stop()
		}
	})
}

// TestPrefetchWalk checks that a walk given a Prefetcher returns the same
// entries as one without, takes every directory from it (so reads and
// stats each once), and leaves nothing held: with the default bound on
// held entries; with one far below the tree's size, so that the workers
// wait for the walk; with the root (24 entries) too large to hold, so
// that it is only warmed; and with no workers, so that the walk reads
// every directory itself through the Prefetcher (as it does those no
// worker has started, or all of them once a warm cache halted the
// workers).
func TestPrefetchWalk(t *testing.T) {
	dir := prefetchTree(t)
	root := openRoot(t, dir)
	want, _ := walkAll(t, root, WalkOptions{Recursive: true})
	for _, c := range []struct {
		name                 string
		workers, hold        int
		halt                 bool
		served, reads, claim int
	}{
		{"default", prefetchWorkers, prefetchHold, false, 42, 42, -1},
		{"held few", prefetchWorkers, 48, false, 42, 42, -1},
		{"root too large", prefetchWorkers, 4, false, 41, 42, -1}, // 42 served when the walk reads the root before a worker
		{"no workers", 0, prefetchHold, false, 42, 42, 42},
		{"halted", 0, prefetchHold, true, 1, 1, 1}, // the root only: nothing is queued after a halt
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newPrefetcher(t.Context(), root, ".", PrefetchOptions{Recursive: true}, c.workers, 0, c.hold)
			defer p.Stop()
			if c.halt {
				p.mu.Lock()
				p.halt()
				p.mu.Unlock()
			}
			src := &countingDirs{DirSource: p}
			got, errs := walkAll(t, root, WalkOptions{Recursive: true, Dirs: src})
			<-p.done
			if len(errs) > 0 {
				t.Errorf("errors: %q", errs)
			}
			sameEntries(t, got, want)
			if src.served < c.served || src.served > 42 || p.reads != c.reads || c.claim >= 0 && p.claims != c.claim {
				t.Errorf("served %d directories (want %d), read %d (want %d), %d by the walk (want %d)",
					src.served, c.served, p.reads, c.reads, p.claims, c.claim)
			}
			if p.held != 0 || len(p.byID) != 0 {
				t.Errorf("%d entries and %d directories left", p.held, len(p.byID))
			}
		})
	}
}

// sameEntries compares two walks' paths, types and sizes.
func sameEntries(t *testing.T, got, want []*Entry) {
	t.Helper()
	desc := func(es []*Entry) []string {
		var out []string
		for _, e := range es {
			out = append(out, fmt.Sprintf("%s %v %d %q", e.Path, e.Type, e.Size, e.LinkTarget))
		}
		return out
	}
	if g, w := desc(got), desc(want); !slices.Equal(g, w) {
		t.Errorf("walk with prefetcher:\n%q\nwant:\n%q", g, w)
	}
}

// TestPrefetchSkipped checks that what the walk does not read (an excluded
// directory, SkipDir, a walk closed early) is dropped from the prefetcher,
// whether it was read ahead already or is still queued: nothing stays
// held, and nothing queued below it is read. Given the walk's filter, the
// prefetcher does not read excluded directories at all.
func TestPrefetchSkipped(t *testing.T) {
	dir := prefetchTree(t)
	root := openRoot(t, dir)
	for _, c := range []struct {
		name   string
		filter []string
		walk   func(w *Walker)
		reads  int // with no workers: the directories the walk read
	}{
		{"excluded", []string{"- d0*/"}, nil, 1 + 10 + 10 + 1},
		{"excluded, filter known", []string{"- d0*/"}, nil, 1 + 10 + 10 + 1},
		{"SkipDir", nil, func(w *Walker) {
			for {
				e, err := w.Next()
				if err != nil {
					return
				}
				if e.Type == TypeDir && e.Path != "." {
					w.SkipDir()
				}
			}
		}, 1},
		{"closed early", nil, func(w *Walker) {
			for range 5 {
				w.Next()
			}
		}, 3},
	} {
		for _, ahead := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s, read ahead %v", c.name, ahead), func(t *testing.T) {
				workers := map[bool]int{true: prefetchWorkers, false: 0}[ahead]
				var f *Filter
				if c.filter != nil {
					var err error
					f, err = ParseFilter(c.filter)
					must(t, err)
				}
				po := PrefetchOptions{Recursive: true}
				known := strings.HasSuffix(c.name, "filter known")
				if known {
					po.Filter = f
				}
				p := newPrefetcher(t.Context(), root, ".", po, workers, 0, prefetchHold)
				defer p.Stop()
				<-p.done // everything read ahead before the walk starts, or nothing
				opts := WalkOptions{Recursive: true, Dirs: p, Filter: f}
				if c.walk == nil {
					walkAll(t, root, opts)
				} else {
					w := NewWalker(root, opts)
					c.walk(w)
					w.Close()
				}
				if p.held != 0 || len(p.byID) != 0 {
					t.Errorf("%d entries of %d directories left held", p.held, len(p.byID))
				}
				if (!ahead || known) && p.reads != c.reads {
					t.Errorf("read %d directories, want %d", p.reads, c.reads)
				}
			})
		}
	}
}

// TestStaleResultsThroughParent checks that a directory changed after its
// parent was read ahead (so that its own entry is stale) does not match
// what was read ahead before the change.
func TestStaleResultsThroughParent(t *testing.T) {
	dir := t.TempDir()
	buildTree(t, dir, "a/x", "z/f")
	root := openRoot(t, dir)
	p := newPrefetcher(t.Context(), root, ".", PrefetchOptions{Recursive: true}, prefetchWorkers, 0, prefetchHold)
	defer p.Stop()
	<-p.done
	w := NewWalker(root, WalkOptions{Recursive: true, Dirs: p})
	defer w.Close()
	if _, err := w.Next(); err != nil { // ".": its frame has the results for a and z
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // past the kernel's coarse clock tick
	must(t, os.WriteFile(filepath.Join(dir, "z", "tmp"), []byte("new and longer"), 0o644))
	must(t, os.Rename(filepath.Join(dir, "z", "tmp"), filepath.Join(dir, "z", "f")))
	for {
		e, err := w.Next()
		if err != nil {
			break
		}
		if e.Path == "z/f" && e.Size != int64(len("new and longer")) {
			t.Errorf("z/f: the walk reports size %d from before the change", e.Size)
		}
	}
}

// TestPrefetchOpen checks how workers open directories below the start,
// with openat2 and without: nested paths open, a symlink on the way does
// not, whatever it points to.
func TestPrefetchOpen(t *testing.T) {
	dir := prefetchTree(t)
	must(t, os.Symlink("e0", filepath.Join(dir, "d00", "link")))
	root := openRoot(t, dir)
	for _, noOpenat2 := range []bool{false, true} {
		for _, start := range []string{".", "d00"} {
			t.Run(fmt.Sprintf("start %s, no openat2 %v", start, noOpenat2), func(t *testing.T) {
				p := newPrefetcher(t.Context(), root, start, PrefetchOptions{}, prefetchWorkers, 0, prefetchHold)
				defer p.Stop()
				p.noOpenat2.Store(noOpenat2)
				for _, c := range []struct {
					path string
					ok   bool
				}{
					{start, true}, {"d00/e0", true}, {"d00/link", false}, {"d00/g", false}, {"d00/link/f", false},
				} {
					fd, err := p.open(c.path)
					if err == nil {
						unix.Close(fd)
					}
					if (err == nil) != c.ok {
						t.Errorf("open %s: %v, want success %v", c.path, err, c.ok)
					}
				}
			})
		}
	}
	p := newPrefetcher(t.Context(), root, "d00", PrefetchOptions{Recursive: true}, prefetchWorkers, 0, prefetchHold)
	defer p.Stop()
	<-p.done
	if p.reads != 2 {
		t.Errorf("from d00: read %d directories, want 2", p.reads)
	}
}

// TestPrefetchProbe checks the probe's decision: enough slow stats mean a
// cold cache (OnCold is called, the workers go on), fewer a warm one (the
// workers stop, OnCold is not called).
func TestPrefetchProbe(t *testing.T) {
	root := openRoot(t, t.TempDir())
	for _, c := range []struct {
		name string
		slow int // of prefetchProbe stats
		cold bool
	}{{"cold", prefetchCold, true}, {"warm", prefetchCold - 1, false}} {
		t.Run(c.name, func(t *testing.T) {
			called := 0
			OnCold = func() { called++ }
			defer func() { OnCold = nil }()
			p := &Prefetcher{root: root, probe: prefetchProbe}
			p.cond.L = &p.mu
			p.probing.Store(true)
			for i := range prefetchProbe + 10 {
				d := time.Microsecond
				if i < c.slow {
					d = time.Millisecond
				}
				p.timed(d)
			}
			if p.probing.Load() || called != map[bool]int{true: 1, false: 0}[c.cold] || p.halted.Load() == c.cold {
				t.Errorf("probing %v, OnCold called %d times, halted %v", p.probing.Load(), called, p.halted.Load())
			}
		})
	}
}

// TestPrefetchTreeChanging walks, with a Prefetcher, a tree that another
// goroutine keeps changing in a part of it (files and directories
// created, renamed and removed), many times over, with several, one or no
// workers and a small or the usual bound on held entries. Every walk must
// return entries in strictly canonical order (so each once) and every
// file of the unchanging part with its true size; the race detector
// watches the rest.
func TestPrefetchTreeChanging(t *testing.T) {
	dir := t.TempDir()
	var spec []string
	for i := range 8 {
		for j := range 4 {
			spec = append(spec, fmt.Sprintf("stable/s%d/t%d/file", i, j))
		}
	}
	buildTree(t, dir, spec...)
	must(t, os.MkdirAll(filepath.Join(dir, "churn"), 0o755))
	root := openRoot(t, dir)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the churn
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			d := filepath.Join(dir, "churn", fmt.Sprintf("d%d", i%7))
			os.MkdirAll(filepath.Join(d, "sub"), 0o755)
			os.WriteFile(filepath.Join(d, "sub", "f"), []byte("x"), 0o644)
			os.Rename(d, d+"-moved")
			os.RemoveAll(d + "-moved")
			os.WriteFile(filepath.Join(dir, "churn", fmt.Sprintf("f%d", i%5)), make([]byte, i%100), 0o644)
			os.Remove(filepath.Join(dir, "churn", fmt.Sprintf("f%d", (i+2)%5)))
		}
	}()
	defer func() {
		close(stop)
		wg.Wait()
	}()

	for round := range 40 {
		workers := []int{prefetchWorkers, 1, 0}[round%3]
		p := newPrefetcher(t.Context(), root, ".", PrefetchOptions{Recursive: true}, workers, 0, []int{prefetchHold, 8}[round%2])
		entries, _ := walkAll(t, root, WalkOptions{Recursive: true, Dirs: p})
		p.Stop()
		stable := 0
		for i, e := range entries {
			if i > 0 && Compare(entries[i-1].Path, e.Path) >= 0 {
				t.Fatalf("round %d: %q after %q", round, e.Path, entries[i-1].Path)
			}
			if Contains("stable", e.Path) && e.Type == TypeFile {
				stable++
				if e.Size != int64(len(e.Path)) {
					t.Errorf("round %d: %s has size %d", round, e.Path, e.Size)
				}
			}
		}
		if stable != 32 {
			t.Fatalf("round %d: %d files of the unchanging part, want 32", round, stable)
		}
	}
}
