//go:build unix

package fsys

import (
	"errors"
	"io"

	"golang.org/x/sys/unix"
)

// writeFd writes all of b to fd, at its offset (off < 0) or at off, going
// on after short writes and EINTR, like os.File.Write.
func writeFd(fd int, b []byte, off int64) (int, error) {
	n := 0
	for n < len(b) {
		var m int
		var err error
		if off < 0 {
			m, err = unix.Write(fd, b[n:])
		} else {
			m, err = unix.Pwrite(fd, b[n:], off+int64(n))
		}
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return n, err
		}
		if m == 0 {
			return n, io.ErrShortWrite
		}
		n += m
	}
	return n, nil
}
