package tree

import (
	"fmt"
	"os"

	"github.com/zeebo/blake3"
	"golang.org/x/sys/unix"
)

// ChecksumSize is the length of Entry.Checksum: a BLAKE3-256 digest.
const ChecksumSize = 32

// hasher computes file checksums with reusable state and buffer.
type hasher struct {
	h   *blake3.Hasher
	buf []byte
}

// emptySum returns the BLAKE3-256 of no bytes.
func emptySum() []byte {
	sum := blake3.Sum256(nil)
	return sum[:]
}

func newHasher() *hasher {
	return &hasher{h: blake3.New(), buf: make([]byte, 256<<10)}
}

// sumAt returns the BLAKE3-256 of the regular file name inside dirfd. It
// fails if name is no longer a regular file, or not the file with inode ino
// when ino is not 0.
func (hs *hasher) sumAt(dirfd int, name, path string, ino uint64) ([]byte, error) {
	fd, err := openFileAt(dirfd, name)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	return hs.sumFD(fd, path, ino)
}

// sumFD returns the BLAKE3-256 of the open regular file fd, read from its
// current offset.
func (hs *hasher) sumFD(fd int, path string, ino uint64) ([]byte, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, &os.PathError{Op: "fstat", Path: path, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG || (ino != 0 && uint64(st.Ino) != ino) {
		return nil, fmt.Errorf("checksum %s: %w", path, ErrChanged)
	}
	hs.h.Reset()
	for {
		var n int
		err := ignoringEINTR(func() error {
			var err error
			n, err = unix.Read(fd, hs.buf)
			return err
		})
		if err != nil {
			return nil, &os.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			break
		}
		hs.h.Write(hs.buf[:n])
	}
	return hs.h.Sum(make([]byte, 0, ChecksumSize)), nil
}

// ChecksumFile returns the BLAKE3-256 of the regular file at path inside
// root. A final symlink is not followed.
func ChecksumFile(root *os.Root, path string) ([]byte, error) {
	if err := ValidPath(path); err != nil || path == "." {
		return nil, fmt.Errorf("checksum %q: %w", path, ErrInvalidPath)
	}
	dirfd, err := openRootDir(root, parentDir(path))
	if err != nil {
		return nil, fmt.Errorf("checksum %s: %w", path, err)
	}
	defer unix.Close(dirfd)
	return newHasher().sumAt(dirfd, baseName(path), path, 0)
}
