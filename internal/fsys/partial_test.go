//go:build linux

package fsys

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestPartialKeepAndResume(t *testing.T) {
	tests := []struct {
		name, file, partialDir, wantPath string
	}{
		{"default", "a/f", "", "a/.ferry-partial/f"},
		{"top level", "f", "", ".ferry-partial/f"},
		{"custom nested", "a/f", "p/q", "a/p/q/f"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, r := newRoot(t)
			os.Mkdir(filepath.Join(dir, "a"), 0o755)
			if f, n, err := r.OpenPartial(tc.file, tc.partialDir); f != nil || n != 0 || err != nil {
				t.Fatalf("OpenPartial before = %v, %d, %v; want nil, 0, nil", f, n, err)
			}
			tmp, err := r.CreateTemp(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			tmp.Write([]byte("first half"))
			if err := tmp.KeepPartial(tc.partialDir); err != nil {
				t.Fatal(err)
			}
			noTemps(t, dir)
			if _, err := os.Lstat(filepath.Join(dir, tc.file)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("real name exists after KeepPartial: %v", err)
			}
			if got := r.PartialPath(tc.file, tc.partialDir); got != tc.wantPath {
				t.Errorf("PartialPath = %q, want %q", got, tc.wantPath)
			}
			f, n, err := r.OpenPartial(tc.file, tc.partialDir)
			if err != nil || f == nil {
				t.Fatalf("OpenPartial = %v, %v", f, err)
			}
			if n != int64(len("first half")) {
				t.Errorf("size = %d", n)
			}
			// Resume: the kept data becomes the start of the new temp.
			tmp, err = r.CreateTemp(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := tmp.CopyFrom(int(f.Fd()), n); err != nil || got != n {
				t.Fatalf("CopyFrom = %d, %v; want %d", got, err, n)
			}
			f.Close()
			tmp.Write([]byte(", second half"))
			if err := tmp.Commit(Meta{Mode: 0o644}, Preserve{Perms: true}); err != nil {
				t.Fatal(err)
			}
			if err := r.RemovePartial(tc.file, tc.partialDir); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(filepath.Join(dir, tc.file)); string(b) != "first half, second half" {
				t.Errorf("contents = %q", b)
			}
			if _, err := os.Lstat(filepath.Join(dir, filepath.Dir(tc.wantPath))); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("empty partial dir left: %v", err)
			}
			if err := r.RemovePartial(tc.file, tc.partialDir); err != nil {
				t.Errorf("second RemovePartial = %v", err)
			}
		})
	}
}

func TestPartialDirKeptWhenNotEmpty(t *testing.T) {
	dir, r := newRoot(t)
	for _, n := range []string{"x", "y"} {
		tmp, err := r.CreateTemp(n)
		if err != nil {
			t.Fatal(err)
		}
		if err := tmp.KeepPartial(""); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.RemovePartial("x", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(dir, DefaultPartialDir, "y")); err != nil {
		t.Errorf("other partial lost: %v", err)
	}
}

func TestOpenPartialNotRegular(t *testing.T) {
	dir, r := newRoot(t)
	os.MkdirAll(filepath.Join(dir, DefaultPartialDir, "f"), 0o755)
	if _, _, err := r.OpenPartial("f", ""); !errors.Is(err, ErrNotRegular) {
		t.Errorf("OpenPartial on a directory = %v, want ErrNotRegular", err)
	}
}

func TestInplace(t *testing.T) {
	t.Run("existing", func(t *testing.T) {
		dir, r := newRoot(t)
		path := filepath.Join(dir, "f")
		writeFile(t, path, "0123456789")
		os.Chmod(path, 0o604)
		tmp, err := r.OpenInplace("f")
		if err != nil {
			t.Fatal(err)
		}
		if tmp.Name() != "f" || tmp.Dest() != "f" {
			t.Errorf("names = %q %q", tmp.Name(), tmp.Dest())
		}
		b, _ := io.ReadAll(tmp.File())
		if string(b) != "0123456789" {
			t.Errorf("old contents = %q", b)
		}
		tmp.WriteAt([]byte("ab"), 2)
		tmp.File().Truncate(6)
		if err := tmp.Commit(Meta{Mode: 0o777}, Preserve{}); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(path); string(b) != "01ab45" {
			t.Errorf("contents = %q", b)
		}
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o604 {
			t.Errorf("mode = %v, want the existing 0604", fi.Mode())
		}
		noTemps(t, dir)
	})
	t.Run("new", func(t *testing.T) {
		dir, r := newRoot(t)
		r.umask = 0o022
		tmp, err := r.OpenInplace("f")
		if err != nil {
			t.Fatal(err)
		}
		tmp.Write([]byte("new"))
		if err := tmp.Commit(Meta{Mode: 0o777}, Preserve{}); err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(filepath.Join(dir, "f")); fi.Mode().Perm() != 0o755 {
			t.Errorf("mode = %v, want 0755", fi.Mode())
		}
	})
	t.Run("abort keeps data", func(t *testing.T) {
		dir, r := newRoot(t)
		tmp, err := r.OpenInplace("f")
		if err != nil {
			t.Fatal(err)
		}
		tmp.Write([]byte("half"))
		if err := tmp.Abort(); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "f")); string(b) != "half" {
			t.Errorf("contents = %q", b)
		}
	})
	t.Run("fifo refused", func(t *testing.T) {
		_, r := newRoot(t)
		if err := r.Mknod("p", NodeFIFO, 0o644, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := r.OpenInplace("p"); !errors.Is(err, ErrNotRegular) {
			t.Errorf("OpenInplace(fifo) = %v, want ErrNotRegular", err)
		}
		if _, err := r.OpenRead("p"); !errors.Is(err, ErrNotRegular) {
			t.Errorf("OpenRead(fifo) = %v, want ErrNotRegular", err)
		}
	})
}
