package fsys

import (
	"errors"
	"fmt"
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
	if err := MkdirTrusted(filepath.Join(base, "a/b/c"), true, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := MkdirTrusted(filepath.Join(base, "a/b/c"), true, 0o777); err != nil {
		t.Errorf("all, existing: %v", err)
	}
	if err := MkdirTrusted(filepath.Join(base, "a/b/c/"), false, 0o777); !errors.Is(err, os.ErrExist) {
		t.Errorf("existing: %v, want ErrExist", err)
	}
	if err := os.WriteFile(filepath.Join(base, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := MkdirTrusted(filepath.Join(base, "file"), true, 0o777); !errors.Is(err, unix.ENOTDIR) {
		t.Errorf("all, a file in the way: %v, want ENOTDIR", err)
	}
	if _, err := OpenFileTrusted(filepath.Join(base, "file") + "/"); !errors.Is(err, unix.ENOTDIR) {
		t.Errorf("file/: %v, want ENOTDIR", err)
	}
	if err := MkdirTrusted(filepath.Join(base, "x/y"), false, 0o777); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing parent: %v, want ErrNotExist", err)
	}
	if err := MkdirTrusted(filepath.Join(base, "mine/d1"), false, 0o777); err != nil {
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
		if err := MkdirTrusted(filepath.Join(base, "foreign/d2/d3"), all, 0o777); !errors.Is(err, ErrUntrustedSymlink) {
			t.Errorf("all %v: %v, want ErrUntrustedSymlink", all, err)
		}
	}
	if _, err := os.Lstat(filepath.Join(base, "victim/d2")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("made through another user's link: %v", err)
	}
}

// TestOpenFileTrusted: operator-named files are read, and appended to,
// through root's or this user's symlinks (in the path or the file itself)
// but not through another user's.
func TestOpenFileTrusted(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the ownership walk is Linux-only")
	}
	base := t.TempDir()
	if err := os.Mkdir(filepath.Join(base, "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "dir/secret"), []byte("s3cret"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, l := range [][2]string{{"dir", "mydir"}, {"dir", "theirdir"}, {"dir/secret", "mylink"}, {"dir/secret", "theirlink"}} {
		if err := os.Symlink(l[0], filepath.Join(base, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"dir/secret", "mydir/secret", "mylink"} {
		b, err := ReadFileTrusted(filepath.Join(base, p))
		if err != nil || string(b) != "s3cret" {
			t.Errorf("%s: %q, %v", p, b, err)
		}
	}
	f, err := AppendFileTrusted(filepath.Join(base, "mydir/log"), 0o640)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("one\n")
	f.Close()
	if f, err = AppendFileTrusted(filepath.Join(base, "dir/log"), 0o640); err != nil {
		t.Fatal(err)
	}
	f.WriteString("two\n")
	f.Close()
	if b, err := os.ReadFile(filepath.Join(base, "dir/log")); err != nil || string(b) != "one\ntwo\n" {
		t.Errorf("log: %q, %v", b, err)
	}
	if fi, err := os.Stat(filepath.Join(base, "dir/log")); err != nil || fi.Mode().Perm()&^0o640 != 0 {
		t.Errorf("log mode: %v, %v", fi.Mode(), err)
	}
	if os.Geteuid() != 0 {
		return
	}
	for _, l := range []string{"theirdir", "theirlink"} {
		if err := unix.Lchown(filepath.Join(base, l), 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"theirdir/secret", "theirlink"} {
		if _, err := ReadFileTrusted(filepath.Join(base, p)); !errors.Is(err, ErrUntrustedSymlink) {
			t.Errorf("%s: %v, want ErrUntrustedSymlink", p, err)
		}
	}
	for _, p := range []string{"theirdir/log2", "theirdir/log", "theirlink"} {
		if _, err := AppendFileTrusted(filepath.Join(base, p), 0o644); !errors.Is(err, ErrUntrustedSymlink) {
			t.Errorf("append %s: %v, want ErrUntrustedSymlink", p, err)
		}
	}
	if _, err := os.Lstat(filepath.Join(base, "dir/log2")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("created through another user's link: %v", err)
	}
}

// TestOpenFileTrustedProcLinks: /dev/fd/N, /dev/stdin and a shell's
// <(cmd) are links on procfs to an open file, often a pipe with no path:
// they are followed to it. TestNonRoot runs it as nobody too, where it
// follows root's links (/dev/fd) and the user's own.
func TestOpenFileTrustedProcLinks(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the ownership walk is Linux-only")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() {
		w.WriteString("from a pipe\n")
		w.Close()
	}()
	b, err := ReadFileTrusted(fmt.Sprintf("/dev/fd/%d", r.Fd()))
	if err != nil || string(b) != "from a pipe\n" {
		t.Fatalf("/dev/fd/%d: %q, %v", r.Fd(), b, err)
	}
	base := t.TempDir()
	if err := os.WriteFile(filepath.Join(base, "f"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("f", filepath.Join(base, "l")); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFileTrusted(filepath.Join(base, "l")); err != nil || string(b) != "mine" {
		t.Fatalf("own link: %q, %v", b, err)
	}
	if d, err := OpenTrusted("/dev/fd/.."); err != nil { // root's /dev/fd, then procfs
		t.Fatalf("/dev/fd/..: %v", err)
	} else {
		d.Close()
	}
}
