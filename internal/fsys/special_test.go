//go:build linux

package fsys

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// existingKinds are the entries a replacing operation may find at its
// destination; create makes one at path.
var existingKinds = []struct {
	name   string
	create func(t *testing.T, path string)
	isDir  bool
}{
	{"nothing", func(t *testing.T, path string) {}, false},
	{"file", func(t *testing.T, path string) { writeFile(t, path, "old") }, false},
	{"symlink", func(t *testing.T, path string) {
		if err := os.Symlink("old-target", path); err != nil {
			t.Fatal(err)
		}
	}, false},
	{"fifo", func(t *testing.T, path string) {
		if err := unix.Mkfifo(path, 0o600); err != nil {
			t.Fatal(err)
		}
	}, false},
	{"empty dir", func(t *testing.T, path string) {
		if err := os.Mkdir(path, 0o755); err != nil {
			t.Fatal(err)
		}
	}, true},
}

func TestSymlink(t *testing.T) {
	for _, ex := range existingKinds {
		t.Run("over "+ex.name, func(t *testing.T) {
			dir, r := newRoot(t)
			path := filepath.Join(dir, "l")
			ex.create(t, path)
			err := r.Symlink("/etc/passwd", "l")
			noTemps(t, dir)
			if ex.isDir {
				if err == nil {
					t.Fatal("Symlink over a directory succeeded")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, err := os.Readlink(path); err != nil || got != "/etc/passwd" {
				t.Errorf("Readlink = %q, %v", got, err)
			}
			if got, err := r.Readlink("l"); err != nil || got != "/etc/passwd" {
				t.Errorf("Root.Readlink = %q, %v", got, err)
			}
		})
	}
	t.Run("nul target", func(t *testing.T) {
		_, r := newRoot(t)
		if err := r.Symlink("a\x00b", "l"); !errors.Is(err, ErrUnsafePath) {
			t.Errorf("Symlink = %v, want ErrUnsafePath", err)
		}
	})
}

func TestLink(t *testing.T) {
	for _, ex := range existingKinds {
		t.Run("over "+ex.name, func(t *testing.T) {
			dir, r := newRoot(t)
			writeFile(t, filepath.Join(dir, "a", "src"), "data")
			path := filepath.Join(dir, "b", "dst")
			os.Mkdir(filepath.Join(dir, "b"), 0o755)
			ex.create(t, path)
			err := r.Link("a/src", "b/dst")
			noTemps(t, dir)
			if ex.isDir {
				if err == nil {
					t.Fatal("Link over a directory succeeded")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			assertSameFile(t, filepath.Join(dir, "a", "src"), path)
		})
	}
	t.Run("already linked", func(t *testing.T) {
		dir, r := newRoot(t)
		writeFile(t, filepath.Join(dir, "src"), "data")
		if err := os.Link(filepath.Join(dir, "src"), filepath.Join(dir, "dst")); err != nil {
			t.Fatal(err)
		}
		if err := r.Link("src", "dst"); err != nil {
			t.Fatal(err)
		}
		noTemps(t, dir)
		assertSameFile(t, filepath.Join(dir, "src"), filepath.Join(dir, "dst"))
	})
	t.Run("symlink is linked itself", func(t *testing.T) {
		dir, r := newRoot(t)
		if err := os.Symlink("/nonexistent", filepath.Join(dir, "s")); err != nil {
			t.Fatal(err)
		}
		if err := r.Link("s", "h"); err != nil {
			t.Fatal(err)
		}
		if got, err := os.Readlink(filepath.Join(dir, "h")); err != nil || got != "/nonexistent" {
			t.Errorf("Readlink = %q, %v", got, err)
		}
	})
	t.Run("missing source", func(t *testing.T) {
		_, r := newRoot(t)
		if err := r.Link("nope", "h"); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Link = %v, want ErrNotExist", err)
		}
	})
	t.Run("directory source", func(t *testing.T) {
		dir, r := newRoot(t)
		os.Mkdir(filepath.Join(dir, "d"), 0o755)
		if err := r.Link("d", "h"); !errors.Is(err, syscall.EPERM) {
			t.Errorf("Link = %v, want EPERM", err)
		}
	})
}

func assertSameFile(t *testing.T, a, b string) {
	t.Helper()
	fa, err := os.Lstat(a)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := os.Lstat(b)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(fa, fb) {
		t.Errorf("%s and %s are not the same file", a, b)
	}
}

func TestMknod(t *testing.T) {
	root := os.Geteuid() == 0
	tests := []struct {
		name     string
		typ      NodeType
		rdev     uint64
		fmt      uint32
		needRoot bool
	}{
		{"fifo", NodeFIFO, 0, unix.S_IFIFO, false},
		{"socket", NodeSocket, 0, unix.S_IFSOCK, false},
		{"char", NodeChar, unix.Mkdev(1, 3), unix.S_IFCHR, true},
		{"block", NodeBlock, unix.Mkdev(7, 200), unix.S_IFBLK, true},
	}
	for _, tc := range tests {
		for _, ex := range existingKinds {
			t.Run(tc.name+" over "+ex.name, func(t *testing.T) {
				dir, r := newRoot(t)
				path := filepath.Join(dir, "n")
				ex.create(t, path)
				err := r.Mknod("n", tc.typ, 0o640, tc.rdev)
				noTemps(t, dir)
				switch {
				case tc.needRoot && !root:
					if !errors.Is(err, syscall.EPERM) {
						t.Fatalf("Mknod as non-root = %v, want EPERM", err)
					}
					return
				case ex.isDir:
					if err == nil {
						t.Fatal("Mknod over a directory succeeded")
					}
					return
				case err != nil:
					t.Fatal(err)
				}
				var st unix.Stat_t
				if err := unix.Lstat(path, &st); err != nil {
					t.Fatal(err)
				}
				if st.Mode&unix.S_IFMT != tc.fmt {
					t.Errorf("type = %#o, want %#o", st.Mode&unix.S_IFMT, tc.fmt)
				}
				if tc.rdev != 0 && st.Rdev != tc.rdev {
					t.Errorf("rdev = %#x, want %#x", st.Rdev, tc.rdev)
				}
			})
		}
	}
	t.Run("unknown type", func(t *testing.T) {
		_, r := newRoot(t)
		if err := r.Mknod("n", 99, 0o600, 0); err == nil {
			t.Error("Mknod with an unknown type succeeded")
		}
	})
}
