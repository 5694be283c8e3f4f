package tree

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ferrysync/ferry/internal/nobody"
)

// TestParWalkerReportsLikeWalker checks that the parallel walk reports the
// same errors and entries as one recursive walk:
// a top-level directory that cannot be opened (whose error the parallel
// walk once dropped, so that --delete emptied its copy), a deeper one, and
// both. Run as nobody: root opens every directory.
func TestParWalkerReportsLikeWalker(t *testing.T) {
	if !nobody.Run(t) {
		return
	}
	cases := [][]string{{"b"}, {"c/d"}, {"b", "c/d", "e"}}
	for _, locked := range cases {
		t.Run(filepath.Join(locked...), func(t *testing.T) {
			root := t.TempDir()
			writeTree(t, root, map[string]string{"a": "x", "b/f": "x", "c/d/g": "x", "c/h": "x", "e/i": "x", "z": "x"})
			for _, p := range locked {
				full := filepath.Join(root, p)
				must(t, os.Chmod(full, 0))
				t.Cleanup(func() { os.Chmod(full, 0o755) })
			}
			r, err := os.OpenRoot(root)
			must(t, err)
			defer r.Close()
			walk := func(par bool) []string {
				var out []string
				opts := WalkOptions{Recursive: true, OnError: func(p string, err error) { out = append(out, "error "+p) }}
				var w EntryWalker
				if par {
					w = NewParWalker(r, opts)
				} else {
					o := opts
					o.Start, o.Prefix = ".", ""
					w = NewWalker(r, o)
				}
				got := collect(t, w, func(string) bool { return false })
				return append(out, got...)
			}
			want, got := walk(false), walk(true)
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("parallel walk:\n got %q\nwant %q", got, want)
			}
			for _, p := range locked {
				if !slices.Contains(got, "error "+p) {
					t.Errorf("no error for %s in %q", p, got)
				}
			}
		})
	}
}
