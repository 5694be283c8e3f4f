package ferry

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestSyncMergeFilters: the library reads merge files and the CVS lists
// itself (the peer gets their rules), and refuses a bad rule or a merge
// file it cannot read before touching anything.
func TestSyncMergeFilters(t *testing.T) {
	src, dst, dir := t.TempDir(), filepath.Join(t.TempDir(), "dst"), t.TempDir()
	for _, n := range []string{"a.o", "b.txt", "c.log", "core", "sub/.rsync-filter", "sub/d.txt", "sub/e.md"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(src, n)), 0o755); err != nil {
			t.Fatal(err)
		}
		body := "x"
		if n == "sub/.rsync-filter" {
			body = "- *.md\n"
		}
		if err := os.WriteFile(filepath.Join(src, n), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rules := filepath.Join(dir, "rules")
	if err := os.WriteFile(rules, []byte("- *.log\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	t.Setenv("CVSIGNORE", "b.txt")
	opts := Options{Recursive: true, Filters: []string{"merge " + rules, ":e .rsync-filter", "-C"}}
	if _, err := Sync(t.Context(), src+"/", dst, opts); err != nil {
		t.Fatal(err)
	}
	for n, want := range map[string]bool{"a.o": false, "b.txt": false, "c.log": false, "core": false,
		"sub/.rsync-filter": false, "sub/d.txt": true, "sub/e.md": false} {
		if _, err := os.Lstat(filepath.Join(dst, n)); (err == nil) != want {
			t.Errorf("%s: present %v, want %v", n, err == nil, want)
		}
	}

	fresh := filepath.Join(t.TempDir(), "dst")
	for _, tc := range []struct {
		rule string
		want error
	}{{"merge " + filepath.Join(dir, "missing"), fs.ErrNotExist}, {"-x foo", ErrBadOption}} {
		_, err := Sync(t.Context(), src+"/", fresh, Options{Recursive: true, Filters: []string{tc.rule}})
		if !errors.Is(err, tc.want) {
			t.Errorf("%q: err = %v, want %v", tc.rule, err, tc.want)
		}
	}
	if _, err := os.Lstat(fresh); err == nil {
		t.Errorf("the destination was created")
	}
}
