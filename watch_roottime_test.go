package ferry

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPassRootTimes: a watch's path pass over top-level names (one made,
// one removed) leaves the replica root's modification time equal to the
// source's, as a full pass does (the root's entry goes with the pass), and deletes
// nothing else at the top.
func TestPassRootTimes(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	for name, ops := range passTransports(t, src, dst) {
		t.Run(name, func(t *testing.T) {
			check(t, os.RemoveAll(src))
			check(t, os.RemoveAll(dst))
			check(t, os.MkdirAll(filepath.Join(src, "sub"), 0o755))
			check(t, os.MkdirAll(dst, 0o755))
			check(t, os.WriteFile(filepath.Join(src, "old"), []byte("old"), 0o644))
			opts := DefaultOptions()
			opts.Delete = true
			s, err := Open(t.Context(), []string{ops[0]}, ops[1], opts)
			check(t, err)
			defer s.Close()
			s.cl.SetRootEntry(true) // as Watch does
			if _, err := s.Pass(t.Context(), nil); err != nil {
				t.Fatal(err)
			}
			check(t, os.Remove(filepath.Join(src, "old")))
			check(t, os.WriteFile(filepath.Join(dst, "extra"), nil, 0o644)) // not a pass path: stays
			check(t, os.WriteFile(filepath.Join(src, "new"), []byte("new"), 0o644))
			check(t, os.WriteFile(filepath.Join(src, "sub", "f"), []byte("f"), 0o644))
			when := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
			check(t, os.Chtimes(src, when, when))
			check(t, os.Chtimes(filepath.Join(src, "sub"), when, when))
			if _, err := s.Pass(t.Context(), []string{"new", "old", "sub/f"}); err != nil {
				t.Fatal(err)
			}
			for _, rel := range []string{".", "sub"} {
				fi, err := os.Stat(filepath.Join(dst, rel))
				check(t, err)
				if !fi.ModTime().Equal(when) {
					t.Errorf("replica %s modified %v, want the source's %v", rel, fi.ModTime(), when)
				}
			}
			if _, err := os.Lstat(filepath.Join(dst, "old")); !os.IsNotExist(err) {
				t.Errorf("old not deleted: %v", err)
			}
			if _, err := os.Lstat(filepath.Join(dst, "extra")); err != nil {
				t.Errorf("extra, not a pass path, deleted: %v", err)
			}
		})
	}
}

// TestFilesFromLeavesRoot: a --files-from pass does not touch the
// destination root's times (rsync leaves them): only a watch's passes
// send the root's entry.
func TestFilesFromLeavesRoot(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	write(t, src, map[string]string{"a": "a", "d/b": "b"})
	when := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	check(t, os.Chtimes(src, when, when))
	before, err := os.Stat(dst)
	check(t, err)
	opts := DefaultOptions()
	opts.FilesFrom = strings.NewReader("a\nd/b\n")
	if _, err := Sync(t.Context(), src+"/", dst, opts); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dst)
	check(t, err)
	if fi.ModTime().Equal(when) || fi.ModTime().Before(before.ModTime()) {
		t.Errorf("destination root modified %v, want its own time (at or after %v), not the source's", fi.ModTime(), before.ModTime())
	}
}
