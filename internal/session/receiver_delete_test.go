package session

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDirTimesAfterDeletes deletes extraneous directories that come last
// in their source directory, after everything else there is up to date:
// the merge leaves the source directory before it removes them, and the
// directory must still end with its source's times.
func TestDirTimesAfterDeletes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		src     map[string]string
		extra   map[string]string // added to the destination after a first sync
		filters []string
	}{
		{"last in a directory", map[string]string{"a/f": "x", "b": "y"}, map[string]string{"a/zz/sub/g": "x"}, nil},
		{"last in the top directory", map[string]string{"a/f": "x"}, map[string]string{"zz/g": "x"}, nil},
		{"in an empty directory", map[string]string{"e": "dir", "f": "x"}, map[string]string{"e/zz/g": "x"}, nil},
		{"nested, with files after", map[string]string{"a/b/f": "x", "a/c": "y"}, map[string]string{"a/b/zz/y/z/w": "x", "a/b/zz/y/q": "x", "a/zzz": "x"}, nil},
		{"keeping an excluded file", map[string]string{"a/f": "x"}, map[string]string{"a/zz/k.o": "x", "a/zz/g": "x"}, []string{"- *.o"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			writeTree(t, src, tc.src)
			setTimes(t, src)
			cfg := archive()
			cfg.Filters = tc.filters
			s := pull(t, cfg, 1<<16, dst, src+"/")
			s.pass()
			s.close()
			writeTree(t, dst, tc.extra)
			cfg.Delete = true
			s = pull(t, cfg, 1<<16, dst, src+"/")
			s.pass()
			s.close()
			sameDirTimes(t, src, dst)
		})
	}
}

// sameDirTimes checks that every directory of src has its mtime in dst.
func sameDirTimes(t *testing.T, src, dst string) {
	t.Helper()
	filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		must(t, err)
		if !fi.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(src, p)
		fd, err := os.Stat(filepath.Join(dst, rel))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
		} else if !fd.ModTime().Equal(fi.ModTime()) {
			t.Errorf("%s: mtime %v, want %v", rel, fd.ModTime(), fi.ModTime())
		}
		return nil
	})
}
