//go:build unix && !linux

package fsys

import (
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// Portable fallbacks for Unix systems other than Linux, which ferry does not
// test: parent directories always go through os.Root, file times have
// microsecond precision, and copies go through user space.

func openDirBeneath(rootfd int, dir string) (int, error) { return -1, errUseRoot }

// utimeOmit is UTIME_OMIT on Darwin and the BSDs.
const utimeOmit = -2

func futimens(fd int, ts []unix.Timespec) error {
	return unix.UtimesNanoAt(unix.AT_FDCWD, "/dev/fd/"+strconv.Itoa(fd), ts, 0)
}

func lchmodAt(dirfd int, base string, mode uint32) error {
	return unix.Fchmodat(dirfd, base, mode, unix.AT_SYMLINK_NOFOLLOW)
}

func copyRangeFD(dfd, sfd int, n int64) (int64, error) { return 0, nil }

var processUmask = sync.OnceValue(func() uint32 {
	u := unix.Umask(0o22)
	unix.Umask(u)
	return uint32(u)
})
