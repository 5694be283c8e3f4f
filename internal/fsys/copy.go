package fsys

import (
	"io"
	"os"
)

// CopyFile copies n bytes from src, starting at its current offset, to dst
// at its current offset, advancing both, and returns the number of bytes
// copied. When dst is an *os.File or a *Temp, the kernel copies with
// copy_file_range (which can share extents on filesystems with reflinks and
// never passes the data through user space); when the kernel cannot
// (EXDEV, ENOSYS, EINVAL, EOPNOTSUPP, ...), or dst is any other writer, it
// falls back to io.CopyN. As with io.CopyN, fewer than n bytes available in
// src gives io.EOF.
func CopyFile(dst io.Writer, src *os.File, n int64) (int64, error) {
	var df *os.File
	switch d := dst.(type) {
	case *os.File:
		df = d
	case *Temp:
		df = d.File()
	}
	var done int64
	if df != nil && n > 0 {
		var err error
		done, err = copyFileRange(df, src, n)
		if err != nil {
			return done, err
		}
		if done == n {
			return done, nil
		}
		dst = df
	}
	m, err := io.CopyN(dst, src, n-done)
	return done + m, err
}
