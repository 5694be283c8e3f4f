package cli

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// fsImmutableFL is the kernel's FS_IMMUTABLE_FL inode flag (chattr +i).
const fsImmutableFL = 0x00000010

// blockUpdate makes the update of dst/name fail. Without privileges the
// source file is made unreadable; as root, which reads anything, the
// destination file is marked immutable (chattr +i), so replacing it fails.
func blockUpdate(t *testing.T, src, dst, name string) {
	t.Helper()
	if os.Geteuid() != 0 {
		p := filepath.Join(src, name)
		if err := os.Chmod(p, 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(p, 0o644) })
		return
	}
	p := filepath.Join(dst, name)
	if err := setImmutable(p, true); err != nil {
		t.Skipf("cannot mark %s immutable on this filesystem: %v", p, err)
	}
	t.Cleanup(func() {
		if err := setImmutable(p, false); err != nil {
			t.Errorf("clear immutable flag: %v", err)
		}
	})
}

// setImmutable sets or clears the immutable flag of the file at path.
func setImmutable(path string, on bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	flags, err := unix.IoctlGetUint32(int(f.Fd()), unix.FS_IOC_GETFLAGS)
	if err != nil {
		return err
	}
	if on {
		flags |= fsImmutableFL
	} else {
		flags &^= fsImmutableFL
	}
	return unix.IoctlSetPointerInt(int(f.Fd()), unix.FS_IOC_SETFLAGS, int(flags))
}
