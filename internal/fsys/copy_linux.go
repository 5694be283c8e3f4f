package fsys

import (
	"errors"

	"golang.org/x/sys/unix"
)

// maxCopyChunk bounds one copy_file_range call.
const maxCopyChunk = 1 << 30

// copyRangeFD copies up to n bytes from sfd to dfd at their current
// offsets with copy_file_range. It returns fewer than n bytes and a nil
// error when the caller should continue in user space: the kernel cannot
// copy between these files, or sfd reported end of file (some filesystems
// report 0 for files with content, like /proc).
func copyRangeFD(dfd, sfd int, n int64) (int64, error) {
	var done int64
	for done < n {
		chunk := min(n-done, maxCopyChunk)
		m, err := unix.CopyFileRange(sfd, nil, dfd, nil, int(chunk), 0)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			if done == 0 && fallback(err) {
				return 0, nil
			}
			return done, err
		}
		if m == 0 {
			break
		}
		done += int64(m)
	}
	return done, nil
}

// fallback reports whether a copy_file_range error means "use read and
// write instead" rather than a real I/O failure.
func fallback(err error) bool {
	switch {
	case errors.Is(err, unix.EXDEV), errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EINVAL),
		errors.Is(err, unix.EOPNOTSUPP), errors.Is(err, unix.EPERM), errors.Is(err, unix.EBADF):
		return true
	}
	return false
}
