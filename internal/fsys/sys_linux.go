package fsys

import (
	"bufio"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// useOpenat2 selects openat2 for parent directories; tests turn it off to
// exercise the os.Root fallback.
var useOpenat2 = true

// openDirBeneath opens the directory dir below rootfd with
// openat2(RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS): the kernel refuses any
// resolution, through ".." or a symlink, that leaves rootfd, as os.Root
// does, in one system call. It returns errUseRoot when openat2 is missing
// (Linux < 5.6, or filtered by seccomp) or asks for a retry (EAGAIN, a
// concurrent rename), and the caller goes through os.Root instead.
func openDirBeneath(rootfd int, dir string) (int, error) {
	if !useOpenat2 {
		return -1, errUseRoot
	}
	fd, err := unix.Openat2(rootfd, dir, &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS,
	})
	switch {
	case err == nil:
		return fd, nil
	case errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EPERM), errors.Is(err, unix.EAGAIN), errors.Is(err, unix.EXDEV):
		// EXDEV is RESOLVE_BENEATH's "escapes": let os.Root give its own error.
		return -1, errUseRoot
	}
	return -1, err
}

// utimeOmit leaves a time unchanged in utimensat.
const utimeOmit = unix.UTIME_OMIT

// mknodat creates a special file; rdev is a Linux dev_t.
func mknodat(dirfd int, name string, mode uint32, rdev uint64) error {
	return unix.Mknodat(dirfd, name, mode, int(rdev))
}

// futimens sets the access and modification times of an open file:
// utimensat(fd, NULL, ts, 0), which is what glibc's futimens does.
func futimens(fd int, ts []unix.Timespec) error {
	_, _, e := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(fd), 0, uintptr(unsafe.Pointer(&ts[0])), 0, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// lchmodAt changes the mode of base in dirfd without following a symlink:
// fchmodat2 with AT_SYMLINK_NOFOLLOW (Linux 6.6+), else an O_PATH descriptor
// of the entry, checked not to be a symlink, chmodded through
// /proc/self/fd (what glibc's lchmod does). Symlinks give EOPNOTSUPP.
func lchmodAt(dirfd int, base string, mode uint32) error {
	err := unix.Fchmodat(dirfd, base, mode, unix.AT_SYMLINK_NOFOLLOW)
	if !errors.Is(err, unix.EOPNOTSUPP) && !errors.Is(err, unix.ENOSYS) {
		return err
	}
	return lchmodProc(dirfd, base, mode)
}

// lchmodProc is lchmodAt for kernels without fchmodat2.
func lchmodProc(dirfd int, base string, mode uint32) error {
	fd, err := unix.Openat(dirfd, base, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		return unix.EOPNOTSUPP
	}
	return unix.Chmod("/proc/self/fd/"+strconv.Itoa(fd), mode)
}

// processUmask returns the process umask, read once from /proc/self/status
// (Linux 4.7+) without changing it; on older kernels it is read by setting
// and restoring it, which races with concurrent file creation.
var processUmask = sync.OnceValue(func() uint32 {
	if f, err := os.Open("/proc/self/status"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "Umask:"); ok {
				if u, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
					return uint32(u)
				}
			}
		}
	}
	u := unix.Umask(0o22)
	unix.Umask(u)
	return uint32(u)
})
