//go:build linux

package fsys

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestResumePartial checks that the partial data of a file becomes the
// start of its temp file: cut to the bytes kept, written on from there,
// committed under the real name; the emptied partial directory goes, and
// an abandoned resume can put the data back.
func TestResumePartial(t *testing.T) {
	for _, tc := range []struct {
		name    string
		keep    int64
		want    string
		another bool // a second file's partial data stays in the directory
	}{
		{name: "all", keep: 10, want: "first half, second half"},
		{name: "a prefix", keep: 5, want: "first, second half"},
		{name: "more than there is", keep: 99, want: "first half, second half"},
		{name: "another file's stays", keep: 10, want: "first half, second half", another: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, r := newRoot(t)
			writeFile(t, filepath.Join(dir, "a", DefaultPartialDir, "f"), "first half")
			if tc.another {
				writeFile(t, filepath.Join(dir, "a", DefaultPartialDir, "g"), "other")
			}
			tmp, err := r.ResumePartial("a/f", "", tc.keep)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tmp.Write([]byte(", second half")); err != nil {
				t.Fatal(err)
			}
			if err := tmp.Commit(Meta{Mode: 0o640}, Preserve{Perms: true}); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(filepath.Join(dir, "a/f")); string(b) != tc.want {
				t.Errorf("contents = %q, want %q", b, tc.want)
			}
			if fi, _ := os.Stat(filepath.Join(dir, "a/f")); fi.Mode().Perm() != 0o640 {
				t.Errorf("mode = %v", fi.Mode())
			}
			noTemps(t, dir)
			_, err = os.Lstat(filepath.Join(dir, "a", DefaultPartialDir))
			if tc.another != (err == nil) {
				t.Errorf("partial directory: %v; want it kept: %v", err, tc.another)
			}
		})
	}
	t.Run("put back", func(t *testing.T) {
		dir, r := newRoot(t)
		writeFile(t, filepath.Join(dir, DefaultPartialDir, "f"), "first half")
		tmp, err := r.ResumePartial("f", "", 5)
		if err != nil {
			t.Fatal(err)
		}
		tmp.Write([]byte(" and more"))
		if err := tmp.KeepPartial(""); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, DefaultPartialDir, "f")); string(b) != "first and more" {
			t.Errorf("partial data = %q", b)
		}
		noTemps(t, dir)
	})
	t.Run("none", func(t *testing.T) {
		_, r := newRoot(t)
		if _, err := r.ResumePartial("f", "", 5); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("ResumePartial without partial data = %v, want ErrNotExist", err)
		}
	})
	t.Run("not regular", func(t *testing.T) {
		dir, r := newRoot(t)
		os.MkdirAll(filepath.Join(dir, DefaultPartialDir), 0o700)
		os.Symlink("/etc/passwd", filepath.Join(dir, DefaultPartialDir, "f"))
		if _, err := r.ResumePartial("f", "", 5); err == nil {
			t.Error("ResumePartial followed a symlink")
		}
		noTemps(t, dir)
	})
}

// TestCleanPartials checks that CleanPartials removes the partial data
// its caller does not keep, only regular files, then the directory when
// empty, and reports whether it removed anything.
func TestCleanPartials(t *testing.T) {
	for _, tc := range []struct {
		name        string
		dir         string
		keep        []string
		wantLeft    []string
		wantRemoved bool
	}{
		{name: "all go", dir: "a", wantRemoved: true},
		{name: "some stay", dir: "a", keep: []string{"y"}, wantLeft: []string{"sub", "y"}, wantRemoved: true},
		{name: "all stay", dir: "a", keep: []string{"x", "y"}, wantLeft: []string{"sub", "x", "y"}},
		{name: "top", dir: ".", wantRemoved: true},
		{name: "none", dir: "b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, r := newRoot(t)
			pd := filepath.Join(dir, tc.dir, DefaultPartialDir)
			os.MkdirAll(filepath.Join(dir, "b"), 0o755)
			if tc.dir != "b" {
				writeFile(t, filepath.Join(pd, "x"), "x")
				writeFile(t, filepath.Join(pd, "y"), "y")
			}
			if len(tc.keep) > 0 {
				os.Mkdir(filepath.Join(pd, "sub"), 0o700) // not partial data: never removed
			}
			removed, err := r.CleanPartials(tc.dir, "", func(name string) bool { return slices.Contains(tc.keep, name) })
			if err != nil || removed != tc.wantRemoved {
				t.Errorf("CleanPartials = %v, %v; want %v, nil", removed, err, tc.wantRemoved)
			}
			var left []string
			if ents, err := os.ReadDir(pd); err == nil {
				for _, e := range ents {
					left = append(left, e.Name())
				}
			} else if !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			} else if len(tc.wantLeft) > 0 {
				t.Errorf("partial directory gone, want %q in it", tc.wantLeft)
			}
			if !slices.Equal(left, tc.wantLeft) {
				t.Errorf("left %q, want %q", left, tc.wantLeft)
			}
		})
	}
	t.Run("unsafe", func(t *testing.T) {
		_, r := newRoot(t)
		if _, err := r.CleanPartials("../x", "", func(string) bool { return false }); !errors.Is(err, ErrUnsafePath) {
			t.Errorf("CleanPartials(../x) = %v, want ErrUnsafePath", err)
		}
	})
}
