package fsys

import (
	"errors"
	"strconv"

	"golang.org/x/sys/unix"
)

// openAnon opens a new unnamed regular file in the directory dirfd
// (O_TMPFILE): it has no directory entry until linkAnon names it, and it
// vanishes if it never is.
func openAnon(dirfd int, perm uint32) (int, error) {
	return unix.Openat(dirfd, ".", unix.O_RDWR|unix.O_TMPFILE|unix.O_CLOEXEC, perm)
}

// linkAnon gives the unnamed file fd the name base in dirfd. It fails with
// EEXIST when the name is taken. Root links the descriptor itself
// (AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH); others go through /proc.
func linkAnon(fd, dirfd int, base string, root bool) error {
	if root {
		err := unix.Linkat(fd, "", dirfd, base, unix.AT_EMPTY_PATH)
		if !errors.Is(err, unix.EPERM) && !errors.Is(err, unix.ENOENT) {
			return err
		}
	}
	return unix.Linkat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(fd), dirfd, base, unix.AT_SYMLINK_FOLLOW)
}
