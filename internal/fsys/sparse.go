package fsys

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// sparseBlock is the unit of hole detection with SetSparse: a block of
// this many zeros, aligned in the file, is skipped instead of written. It
// is the block size of the usual filesystems, the smallest hole they keep.
const sparseBlock = 4096

var zeroBlock [sparseBlock]byte

// SetSparse makes Write and CopyFrom leave holes where whole aligned blocks
// of zeros come (rsync -S), so that a sparse file stays sparse and zeros
// cost no disk. The file is written from offset 0 on, in order; Commit and
// KeepPartial give it its full length even when it ends with a hole. It
// has no effect on an --inplace Temp, whose existing data a skipped block
// would leave in place.
func (t *Temp) SetSparse() {
	if !t.inplace {
		t.sparse = true
	}
}

// Preallocate reserves size bytes of disk for the file without changing
// its length (--preallocate), so that a large file is laid out at once and
// a full disk shows before its data is sent. A filesystem that cannot
// preallocate is not an error.
func (t *Temp) Preallocate(size int64) error {
	if size <= 0 || t.done {
		return nil
	}
	err := unix.Fallocate(t.fd, unix.FALLOC_FL_KEEP_SIZE, 0, size)
	if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOSYS) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("preallocate %s: %w", t.name, err)
	}
	t.prealloc = size
	return nil
}

// writeSparse writes b at t.off, skipping the zeros of each aligned block.
func (t *Temp) writeSparse(b []byte) (int, error) {
	n := 0
	for n < len(b) {
		k := min(len(b)-n, sparseBlock-int(t.off%sparseBlock))
		c := b[n : n+k]
		// Zeros are skipped even in part of a block: the file is new and
		// written in order, so what was never written reads as zeros.
		if bytes.Equal(c, zeroBlock[:k]) {
			t.off += int64(k)
			n += k
			continue
		}
		m, err := writeFd(t.fd, c, t.off)
		t.off += int64(m)
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// endSparse gives a sparse file its full length: a hole at its end was
// never written. Any other file loses the disk reserved past its end.
func (t *Temp) endSparse() error {
	if !t.sparse {
		return t.trimPrealloc() // prealloc.go
	}
	return unix.Ftruncate(t.fd, t.off)
}
