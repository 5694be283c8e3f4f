package tree

import (
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// fakeDirs is a DirSource holding a doctored listing of one directory.
type fakeDirs struct {
	mu    sync.Mutex
	key   DirKey
	names []string
	stats []unix.Stat_t
	asked []DirKey
}

func (f *fakeDirs) ReadDir(k DirKey, fd int) ([]string, []unix.Stat_t, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, k)
	if k != f.key {
		return nil, nil, false
	}
	return f.names, f.stats, true
}

func (f *fakeDirs) Skip(dev, ino uint64) {}

// TestWalkerDirs checks that the walk uses what a DirSource has for a
// directory in the state it is walked in (stat-ing itself the names it
// has no result for), and reads everything itself when the directory
// changed since.
func TestWalkerDirs(t *testing.T) {
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
			k := keyOf(&dst)
			if tc.stale {
				k.MTime--
			}
			// "a" doctored, "b" with no result, "c" listed but gone.
			fs := &fakeDirs{key: k, names: []string{"a", "b", "c"}, stats: []unix.Stat_t{ast, {}, {}}}
			entries, errs := walkAll(t, openRoot(t, dir), WalkOptions{Recursive: true, Dirs: fs})
			sizes := map[string]int64{}
			n := 0
			for _, e := range entries {
				sizes[e.Path] = e.Size
				if Contains("d", e.Path) && e.Path != "d" {
					n++
				}
			}
			if sizes["d/a"] != tc.wantLen || sizes["d/b"] != 3 || n != 2 {
				t.Errorf("d/a %d bytes (want %d), d/b %d (want 3); %d entries below d, want 2", sizes["d/a"], tc.wantLen, sizes["d/b"], n)
			}
			if wantErrs := map[bool]int{false: 1, true: 0}[tc.stale]; len(errs) != wantErrs { // d/c vanished
				t.Errorf("errors %q, want %d", errs, wantErrs)
			}
			if len(fs.asked) != 2 { // "." and "d"
				t.Errorf("asked for %d directories, want 2", len(fs.asked))
			}
		})
	}
}
