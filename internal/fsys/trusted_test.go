package fsys

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestOpenTrusted: symlinks on the way to a destination are followed when
// root or this user owns them, relative and absolute, in any component,
// with "..", and refused, naming the link, when another user owns one.
func TestOpenTrusted(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the ownership walk is Linux-only")
	}
	base := t.TempDir()
	mk := func(p string) {
		if err := os.MkdirAll(filepath.Join(base, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ln := func(target, p string) {
		if err := os.Symlink(target, filepath.Join(base, p)); err != nil {
			t.Fatal(err)
		}
	}
	mk("real/sub")
	if err := os.WriteFile(filepath.Join(base, "real/sub/marker"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ln("real", "rel")                      // relative
	ln(filepath.Join(base, "real"), "abs") // absolute
	ln("rel/sub", "chain")                 // through another link
	ln("../real/sub", "real/up")           // with ..
	ln("loop2", "loop1")
	ln("loop1", "loop2")
	ln("real/sub/marker", "file")
	ln("real", "foreign")
	root := os.Geteuid() == 0
	if root {
		if err := unix.Lchown(filepath.Join(base, "foreign"), 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		path string
		want error // nil: opens a Root holding sub/marker (or marker)
	}{
		{"real", nil},
		{"rel", nil},
		{"abs", nil},
		{"chain", nil},
		{"real/up", nil},
		{"rel/up/..", nil},
		{"missing", unix.ENOENT},
		{"loop1", unix.ELOOP},
		{"file", unix.ENOTDIR},
		{"foreign", ErrUntrustedSymlink},
		{"foreign/sub", ErrUntrustedSymlink},
	} {
		if c.want == ErrUntrustedSymlink && !root {
			continue // only root can give a link to another user
		}
		r, err := OpenTrusted(filepath.Join(base, c.path))
		if c.want != nil {
			if !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", c.path, err, c.want)
			}
			if c.want == ErrUntrustedSymlink && (err == nil || !strings.Contains(err.Error(), filepath.Join(base, "foreign")+":")) {
				t.Errorf("%s: the error does not name the link: %v", c.path, err)
			}
			if r != nil {
				r.Close()
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.path, err)
			continue
		}
		_, e1 := r.Lstat("sub/marker")
		_, e2 := r.Lstat("marker")
		if e1 != nil && e2 != nil {
			t.Errorf("%s: opened the wrong directory", c.path)
		}
		r.Close()
	}

	// A relative path is walked from the working directory.
	t.Chdir(base)
	r, err := OpenTrusted("rel/sub")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Lstat("marker"); err != nil {
		t.Error(err)
	}
	r.Close()
}

// TestMkdirTrusted: directories are made below what the ownership walk
// reaches; nothing is made through another user's symlink.
func TestMkdirTrusted(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the ownership walk is Linux-only")
	}
	base := t.TempDir()
	if err := os.Mkdir(filepath.Join(base, "victim"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"mine", "foreign"} {
		if err := os.Symlink("victim", filepath.Join(base, l)); err != nil {
			t.Fatal(err)
		}
	}
	if err := MkdirTrusted(filepath.Join(base, "a/b/c"), true); err != nil {
		t.Fatal(err)
	}
	if err := MkdirTrusted(filepath.Join(base, "a/b/c"), true); err != nil {
		t.Errorf("all, existing: %v", err)
	}
	if err := MkdirTrusted(filepath.Join(base, "a/b/c/"), false); !errors.Is(err, os.ErrExist) {
		t.Errorf("existing: %v, want ErrExist", err)
	}
	if err := MkdirTrusted(filepath.Join(base, "x/y"), false); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing parent: %v, want ErrNotExist", err)
	}
	if err := MkdirTrusted(filepath.Join(base, "mine/d1"), false); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(base, "victim/d1")); err != nil || !fi.IsDir() {
		t.Fatalf("through this user's link: %v", err)
	}
	if os.Geteuid() != 0 {
		return
	}
	if err := unix.Lchown(filepath.Join(base, "foreign"), 65534, 65534); err != nil {
		t.Fatal(err)
	}
	for _, all := range []bool{false, true} {
		if err := MkdirTrusted(filepath.Join(base, "foreign/d2/d3"), all); !errors.Is(err, ErrUntrustedSymlink) {
			t.Errorf("all %v: %v, want ErrUntrustedSymlink", all, err)
		}
	}
	if _, err := os.Lstat(filepath.Join(base, "victim/d2")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("made through another user's link: %v", err)
	}
}
