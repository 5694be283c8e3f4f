package sender

import (
	"errors"
	"io"

	"golang.org/x/sys/unix"
)

// preader reads a source file at offsets (pread), leaving its read offset
// to the sequential round-1 reader.
type preader struct{ fd int }

// readerAt returns an io.ReaderAt over f.
func (f *srcFile) readerAt() io.ReaderAt { return preader{fd: f.fd} }

func (p preader) ReadAt(b []byte, off int64) (int, error) {
	n := 0
	for n < len(b) {
		k, err := unix.Pread(p.fd, b[n:], off+int64(n))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return n, err
		}
		if k == 0 {
			return n, io.EOF
		}
		n += k
	}
	return n, nil
}
