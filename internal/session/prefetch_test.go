package session

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

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
// once, the oldest directories make room for new ones, and a directory
// larger than the whole cache is not kept.
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
	c.put(key(4), stats(4)) // drops 2, the oldest
	if c.TakeDir(key(2)) != nil {
		t.Error("2 was not dropped to make room")
	}
	if len(c.TakeDir(key(3))) != 4 || len(c.TakeDir(key(4))) != 4 {
		t.Error("3 or 4 lost")
	}
	c.put(key(5), stats(11))
	if c.TakeDir(key(5)) != nil || c.n != 0 {
		t.Errorf("a directory larger than the cache was kept (%d held)", c.n)
	}
	if (*statCache)(nil).TakeDir(key(1)) != nil {
		t.Error("nil cache returned results")
	}
}
