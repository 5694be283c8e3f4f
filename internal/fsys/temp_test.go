//go:build linux

package fsys

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestCommitReplaces(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, path string)
		wantErr error // nil: the commit succeeds and replaces
	}{
		{"new", func(t *testing.T, path string) {}, nil},
		{"over file", func(t *testing.T, path string) { writeFile(t, path, "old contents") }, nil},
		{"over symlink", func(t *testing.T, path string) {
			writeFile(t, path+".target", "target")
			if err := os.Symlink(filepath.Base(path)+".target", path); err != nil {
				t.Fatal(err)
			}
		}, nil},
		{"over dangling symlink", func(t *testing.T, path string) {
			if err := os.Symlink("nowhere", path); err != nil {
				t.Fatal(err)
			}
		}, nil},
		{"over fifo", func(t *testing.T, path string) {
			if err := unix.Mkfifo(path, 0o644); err != nil {
				t.Fatal(err)
			}
		}, nil},
		{"over empty dir", func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o755); err != nil {
				t.Fatal(err)
			}
		}, syscall.EISDIR},
		{"over full dir", func(t *testing.T, path string) { writeFile(t, filepath.Join(path, "child"), "x") }, syscall.EISDIR},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, r := newRoot(t)
			path := filepath.Join(dir, "sub", "f")
			if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
				t.Fatal(err)
			}
			tc.setup(t, path)
			tmp, err := r.CreateTemp("sub/f")
			if err != nil {
				t.Fatal(err)
			}
			if got, want := filepath.Dir(tmp.Name()), "sub"; got != want {
				t.Errorf("temp %q not in %q", tmp.Name(), want)
			}
			if !IsTempName(filepath.Base(tmp.Name())) {
				t.Errorf("temp name %q not recognised", tmp.Name())
			}
			if _, err := tmp.Write([]byte("new contents")); err != nil {
				t.Fatal(err)
			}
			err = tmp.Commit(Meta{Mode: 0o640}, Preserve{Perms: true})
			noTemps(t, dir)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Commit = %v, want %v", err, tc.wantErr)
				}
				fi, err := os.Lstat(path)
				if err != nil || !fi.IsDir() {
					t.Fatalf("directory not left alone: %v %v", fi, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			fi, err := os.Lstat(path)
			if err != nil {
				t.Fatal(err)
			}
			if !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o640 {
				t.Errorf("mode = %v, want -rw-r-----", fi.Mode())
			}
			if b, _ := os.ReadFile(path); string(b) != "new contents" {
				t.Errorf("contents = %q", b)
			}
			if b, err := os.ReadFile(path + ".target"); err == nil && string(b) != "target" {
				t.Errorf("symlink target written through: %q", b)
			}
		})
	}
}

func TestAbort(t *testing.T) {
	dir, r := newRoot(t)
	writeFile(t, filepath.Join(dir, "f"), "old")
	tmp, err := r.CreateTemp("f")
	if err != nil {
		t.Fatal(err)
	}
	tmp.Write([]byte("new"))
	if err := tmp.Abort(); err != nil {
		t.Fatal(err)
	}
	if err := tmp.Abort(); err != nil {
		t.Errorf("second Abort = %v, want nil", err)
	}
	if err := tmp.Commit(Meta{}, Preserve{}); !errors.Is(err, ErrTempDone) {
		t.Errorf("Commit after Abort = %v, want ErrTempDone", err)
	}
	if err := tmp.KeepPartial(""); !errors.Is(err, ErrTempDone) {
		t.Errorf("KeepPartial after Abort = %v, want ErrTempDone", err)
	}
	noTemps(t, dir)
	if b, _ := os.ReadFile(filepath.Join(dir, "f")); string(b) != "old" {
		t.Errorf("contents = %q, want old", b)
	}
}

func TestCreateTempErrors(t *testing.T) {
	dir, r := newRoot(t)
	writeFile(t, filepath.Join(dir, "file"), "x")
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"missing dir", "nodir/f", fs.ErrNotExist},
		{"parent is a file", "file/f", syscall.ENOTDIR},
		{"dotdot", "../f", ErrUnsafePath},
		{"absolute", "/f", ErrUnsafePath},
		{"root", ".", ErrUnsafePath},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.CreateTemp(tc.in)
			if !errors.Is(err, tc.want) {
				t.Fatalf("CreateTemp(%q) = %v, want %v", tc.in, err, tc.want)
			}
		})
	}
}

func TestCommitMode(t *testing.T) {
	old := unix.Umask(0o077) // hides group and other bits from creations
	t.Cleanup(func() { unix.Umask(old) })
	tests := []struct {
		name     string
		existing os.FileMode // 0: no existing file
		mode     uint32
		p        Preserve
		want     uint32
	}{
		{"perms exact despite umask", 0, 0o755, Preserve{Perms: true}, 0o755},
		{"setuid setgid sticky", 0, 0o7755, Preserve{Perms: true}, 0o7755},
		{"setgid with group change", 0, 0o2750, Preserve{Perms: true, Group: true}, 0o2750},
		{"no perms in 0700", 0, 0o700, Preserve{Perms: true}, 0o700},
		{"no perms new file uses umask", 0, 0o4755, Preserve{}, 0o755 &^ 0o022},
		{"no perms existing keeps mode", 0o604, 0o755, Preserve{}, 0o604},
	}
	for _, tc := range tests {
		for _, perm := range []bool{false, true} {
			name := tc.name
			if perm {
				name += " (CreateTempPerm)"
			}
			t.Run(name, func(t *testing.T) {
				testCommitMode(t, tc.existing, tc.mode, tc.p, tc.want, perm)
			})
		}
	}
}

// testCommitMode commits a file of mode (created 0600, or with its own
// permissions when perm) over existing, and checks the result is want.
func testCommitMode(t *testing.T, existing os.FileMode, mode uint32, p Preserve, want uint32, perm bool) {
	t.Helper()
	dir, r := newRoot(t)
	r.umask = 0o022 // as read at Open in a normal process
	path := filepath.Join(dir, "f")
	if existing != 0 {
		writeFile(t, path, "old")
		os.Chmod(path, existing)
	}
	m := Meta{Mode: mode, GID: uint32(os.Getgid())}
	if perm {
		tmp, err := r.CreateTempPerm("f", mode)
		if err != nil {
			t.Fatal(err)
		}
		tmp.Write([]byte("data"))
		if err := tmp.Commit(m, p); err != nil {
			t.Fatal(err)
		}
	} else {
		commitFile(t, r, "f", "data", m, p)
	}
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		t.Fatal(err)
	}
	if got := st.Mode & 0o7777; got != want {
		t.Errorf("mode = %#o, want %#o", got, want)
	}
}

func TestCommitTimes(t *testing.T) {
	dir, r := newRoot(t)
	mtime := time.Date(2001, 2, 3, 4, 5, 6, 123456789, time.UTC).UnixNano()
	atime := time.Date(2002, 2, 3, 4, 5, 6, 987654321, time.UTC).UnixNano()
	commitFile(t, r, "f", "x", Meta{Mode: 0o644, MTime: mtime, ATime: atime}, Preserve{Perms: true, Times: true})
	var st unix.Stat_t
	if err := unix.Lstat(filepath.Join(dir, "f"), &st); err != nil {
		t.Fatal(err)
	}
	if got := st.Mtim.Nano(); got != mtime {
		t.Errorf("mtime = %d, want %d", got, mtime)
	}
	if got := st.Atim.Nano(); got != atime {
		t.Errorf("atime = %d, want %d", got, atime)
	}

	before := time.Now().Add(-time.Minute).UnixNano()
	commitFile(t, r, "g", "x", Meta{Mode: 0o644, MTime: mtime}, Preserve{Perms: true})
	if err := unix.Lstat(filepath.Join(dir, "g"), &st); err != nil {
		t.Fatal(err)
	}
	if st.Mtim.Nano() < before {
		t.Errorf("mtime set without Preserve.Times: %d", st.Mtim.Nano())
	}
}

func TestCommitOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("changing the owner needs root; TestNonRoot covers the other path")
	}
	tests := []struct {
		name     string
		p        Preserve
		uid, gid uint32
	}{
		{"owner and group", Preserve{Owner: true, Group: true, Perms: true}, 1234, 5678},
		{"group only", Preserve{Group: true, Perms: true}, 0, 5678},
		{"owner only", Preserve{Owner: true, Perms: true}, 1234, 0},
		{"neither", Preserve{Perms: true}, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, r := newRoot(t)
			commitFile(t, r, "f", "x", Meta{Mode: 0o6755, UID: 1234, GID: 5678}, tc.p)
			var st unix.Stat_t
			if err := unix.Lstat(filepath.Join(dir, "f"), &st); err != nil {
				t.Fatal(err)
			}
			if st.Uid != tc.uid || st.Gid != tc.gid {
				t.Errorf("owner = %d:%d, want %d:%d", st.Uid, st.Gid, tc.uid, tc.gid)
			}
			if st.Mode&0o7777 != 0o6755 {
				t.Errorf("mode = %#o after chown, want 06755", st.Mode&0o7777)
			}
		})
	}
}

func TestConcurrentCommits(t *testing.T) {
	dir, r := newRoot(t)
	os.Mkdir(filepath.Join(dir, "d"), 0o755)
	const workers, each = 8, 50
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			for i := range each {
				name := "d/f" + strconv.Itoa(i) // every worker replaces the same names
				tmp, err := r.CreateTemp(name)
				if err != nil {
					errs <- err
					return
				}
				tmp.Write([]byte(strconv.Itoa(w)))
				if err := tmp.Commit(Meta{Mode: 0o644}, Preserve{Perms: true}); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	noTemps(t, dir)
	ents, _ := os.ReadDir(filepath.Join(dir, "d"))
	if len(ents) != each {
		t.Errorf("%d entries, want %d", len(ents), each)
	}
}
