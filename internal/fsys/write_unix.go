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

// CopyFrom copies up to n bytes from the descriptor src, at its current
// offset, to the end of what was written to t, with copy_file_range where
// the kernel can (the data never passes through user space) and read and
// write otherwise. It returns the number of bytes copied: fewer than n, and
// no error, when src ends first. The error of a failed copy does not say
// which side failed; the caller names the file.
func (t *Temp) CopyFrom(src int, n int64) (int64, error) {
	if t.done {
		return 0, ErrTempDone
	}
	dfd := t.fd
	if t.f != nil {
		dfd = int(t.f.Fd())
	}
	var done int64
	if !t.sparse { // copy_file_range would write the zeros
		var err error
		if done, err = copyRangeFD(dfd, src, n); err != nil || done == n {
			return done, err
		}
	}
	buf := make([]byte, min(n-done, 128<<10))
	for done < n {
		k, err := unix.Read(src, buf[:min(int64(len(buf)), n-done)])
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return done, err
		}
		if k == 0 {
			return done, nil
		}
		var err2 error
		if t.sparse {
			_, err2 = t.writeSparse(buf[:k])
		} else {
			_, err2 = writeFd(dfd, buf[:k], -1)
		}
		if err2 != nil {
			return done, err2
		}
		done += int64(k)
	}
	return done, nil
}
