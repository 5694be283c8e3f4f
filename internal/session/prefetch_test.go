package session

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
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
			startPrefetch(t.Context(), r, start)()
		}
	})
}
