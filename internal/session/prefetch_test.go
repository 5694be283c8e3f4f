package session

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/tree"
	"golang.org/x/sys/unix"
)

// TestPrefetchWholeTreeAndStops checks that a prefetcher reads every
// directory once, never follows symlinks (a loop would never end), ends
// by itself, and stops when asked. (Whether the probe finds the cache
// warm depends on timing, so it is not asserted.)
func TestPrefetchWholeTreeAndStops(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{"loop": "->.", "up": "->..", "f": "x"}
	for i := range 20 {
		files[fmt.Sprintf("d%02d/e%d/f", i, i%3)] = "x"
	}
	writeTree(t, root, files)
	r, err := os.OpenRoot(root)
	must(t, err)
	defer r.Close()
	cases := []struct {
		name     string
		probe    int
		wantDirs func(n int) bool
	}{
		{"no-probe", 0, func(n int) bool { return n == 1+20+20 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newPrefetcher(t.Context(), r, ".", c.probe)
			<-p.done // ends by itself
			if !c.wantDirs(p.dirs) {
				t.Errorf("read %d directories", p.dirs)
			}
		})
	}
	t.Run("stop", func(t *testing.T) {
		for _, start := range []string{"d00", filepath.Join("missing", "dir")} {
			startPrefetch(t.Context(), r, start).stopAndWait()
		}
	})
}

// TestStatCache checks the prefetcher's result cache: a directory is taken
// once, and what does not fit is not kept (what is held is what the walk
// needs next).
func TestStatCache(t *testing.T) {
	stats := func(n int) map[string]*unix.Stat_t {
		m := map[string]*unix.Stat_t{}
		for i := range n {
			m[fmt.Sprint(i)] = &unix.Stat_t{Size: int64(i)}
		}
		return m
	}
	key := func(i uint64) tree.DirKey { return tree.DirKey{Dev: 1, Ino: i, MTime: 5} }
	c := newStatCache(10)
	c.put(key(1), stats(4))
	c.put(key(2), stats(4))
	if got := c.TakeDir(key(1)); len(got) != 4 {
		t.Fatalf("take 1: %d results, want 4", len(got))
	}
	if got := c.TakeDir(key(1)); got != nil {
		t.Fatalf("take 1 again: %d results, want none", len(got))
	}
	c.put(key(3), stats(4)) // 2 and 3: 8 held
	c.put(key(4), stats(4)) // does not fit
	if c.TakeDir(key(4)) != nil {
		t.Error("4 was kept beyond the bound")
	}
	if len(c.TakeDir(key(2))) != 4 || len(c.TakeDir(key(3))) != 4 {
		t.Error("2 or 3 lost")
	}
	c.put(key(5), stats(11))
	if c.TakeDir(key(5)) != nil || c.n != 0 {
		t.Errorf("a directory larger than the cache was kept (%d held)", c.n)
	}
	if (*statCache)(nil).TakeDir(key(1)) != nil {
		t.Error("nil cache returned results")
	}
}

// TestStaleStatsThroughParent checks that a directory changed after its
// parent's results were taken (so that its own entry is stale) does not
// match the results made before the change.
func TestStaleStatsThroughParent(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a/x": "x", "z/f": "old"})
	root, err := os.OpenRoot(dir)
	must(t, err)
	defer root.Close()
	pf := newPrefetcher(t.Context(), root, ".", 0)
	<-pf.done
	w := tree.NewWalker(root, tree.WalkOptions{Recursive: true, Stats: pf.stats})
	defer w.Close()
	if _, err := w.Next(); err != nil { // ".": its frame takes the results for a and z
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
