package tree

import (
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// fakeStats is a StatSource holding doctored results for one directory.
type fakeStats struct {
	mu    sync.Mutex
	dirs  map[DirKey]map[string]*unix.Stat_t
	taken []DirKey
}

func (f *fakeStats) TakeDir(k DirKey) map[string]*unix.Stat_t {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.taken = append(f.taken, k)
	s := f.dirs[k]
	delete(f.dirs, k)
	return s
}

// TestWalkerStats checks that the walk uses the results a StatSource has
// for a directory in the state it is walked in (and only for the names it
// has), and stats everything itself when the directory changed since.
func TestWalkerStats(t *testing.T) {
	for _, tc := range []struct {
		name    string
		stale   bool // the results are for an older state of the directory
		wantLen int64
	}{
		{"current", false, 12345},
		{"stale", true, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			buildTree(t, dir, "d/", "d/a", "d/b") // contents: their names
			var dst, ast unix.Stat_t
			must(t, unix.Stat(filepath.Join(dir, "d"), &dst))
			must(t, unix.Lstat(filepath.Join(dir, "d", "a"), &ast))
			ast.Size = 12345 // doctored: shows where the walk got it
			k := DirKey{Dev: uint64(dst.Dev), Ino: dst.Ino, MTime: dst.Mtim.Sec*1e9 + dst.Mtim.Nsec}
			if tc.stale {
				k.MTime--
			}
			fs := &fakeStats{dirs: map[DirKey]map[string]*unix.Stat_t{k: {"a": &ast}}}
			entries, errs := walkAll(t, openRoot(t, dir), WalkOptions{Recursive: true, Stats: fs})
			if len(errs) > 0 {
				t.Fatalf("errors: %q", errs)
			}
			sizes := map[string]int64{}
			for _, e := range entries {
				sizes[e.Path] = e.Size
			}
			if sizes["d/a"] != tc.wantLen || sizes["d/b"] != 3 {
				t.Errorf("sizes: d/a %d (want %d), d/b %d (want 3)", sizes["d/a"], tc.wantLen, sizes["d/b"])
			}
			if len(fs.taken) != 2 { // "." and "d"
				t.Errorf("asked for %d directories, want 2", len(fs.taken))
			}
		})
	}
}
