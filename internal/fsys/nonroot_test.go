//go:build linux

package fsys

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// The non-root paths are tested by re-running this test binary, the whole
// suite in short mode, as an unprivileged user (uid and gid 65534, also a
// member of group 5000). TestNonRootChild runs only there.
const (
	nobody      = 65534
	memberGroup = 5000
	childEnv    = "FSYS_NONROOT_CHILD_DIR"
)

func TestNonRoot(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("in the child")
	}
	if os.Geteuid() != 0 {
		t.Skip("not root: the whole suite already runs unprivileged")
	}
	dir, err := os.MkdirTemp("", "fsys-nonroot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	exe := filepath.Join(dir, "fsys.test")
	copyExe(t, exe)
	work := filepath.Join(dir, "work")
	os.Mkdir(work, 0o755)
	if err := os.Chown(work, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), exe, "-test.short", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"="+work)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{
		Uid: nobody, Gid: nobody, Groups: []uint32{nobody, memberGroup},
	}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child failed: %v\n%s", err, out)
	}
	t.Logf("child:\n%s", out)
}

func copyExe(t *testing.T, dst string) {
	t.Helper()
	src, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	d, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(d, src); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestNonRootChild runs only inside TestNonRoot's child process.
func TestNonRootChild(t *testing.T) {
	dir := os.Getenv(childEnv)
	if dir == "" {
		t.Skip("runs only as TestNonRoot's child")
	}
	if os.Geteuid() == 0 {
		t.Fatal("child runs as root")
	}
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	all := Preserve{Perms: true, Owner: true, Group: true, Times: true}
	tests := []struct {
		name     string
		gid      uint32
		wantGID  uint32
		wantMode uint32
	}{
		{"foreign owner and group ignored", 0, nobody, 0o644},
		{"member group applied", memberGroup, memberGroup, 0o2755},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := "f" + strconv.Itoa(int(tc.gid))
			commitFile(t, r, name, "x", Meta{Mode: tc.wantMode, UID: 0, GID: tc.gid}, all)
			var st unix.Stat_t
			if err := unix.Lstat(filepath.Join(dir, name), &st); err != nil {
				t.Fatal(err)
			}
			if st.Uid != nobody || st.Gid != tc.wantGID {
				t.Errorf("owner = %d:%d, want %d:%d", st.Uid, st.Gid, nobody, tc.wantGID)
			}
			if st.Mode&0o7777 != tc.wantMode {
				t.Errorf("mode = %#o, want %#o", st.Mode&0o7777, tc.wantMode)
			}
			if err := r.SetMeta(name, Meta{Mode: tc.wantMode, UID: 0, GID: tc.gid}, all); err != nil {
				t.Errorf("SetMeta = %v", err)
			}
		})
	}
	t.Run("device needs root", func(t *testing.T) {
		if err := r.Mknod("dev", NodeChar, 0o600, unix.Mkdev(1, 3)); !errors.Is(err, unix.EPERM) {
			t.Errorf("Mknod(char) = %v, want EPERM", err)
		}
		noTemps(t, dir)
	})
	t.Run("read-only dir gives EACCES", func(t *testing.T) {
		if err := r.Mkdir("ro", 0o555); err != nil {
			t.Fatal(err)
		}
		if err := r.SetMeta("ro", Meta{Mode: 0o555}, Preserve{Perms: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := r.CreateTemp("ro/f"); !errors.Is(err, os.ErrPermission) || !errors.Is(err, unix.EACCES) {
			t.Errorf("CreateTemp in a read-only dir = %v, want EACCES", err)
		}
	})
}
