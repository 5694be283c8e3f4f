package sender

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"

	"github.com/ferrysync/ferry/internal/tree"
	"golang.org/x/sys/unix"
)

// srcFile is a requested source file opened for reading: a bare
// descriptor, read with plain system calls (no os.File bookkeeping).
type srcFile struct {
	fd   int
	size int64 // at open
}

func (f *srcFile) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		n, err := unix.Read(f.fd, p)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, io.EOF
		}
		return n, nil
	}
}

func (f *srcFile) Close() error {
	if f.fd < 0 { // handed off (handoff.go)
		return nil
	}
	return unix.Close(f.fd)
}

// dirCache is one worker's open source directory: requests come in
// canonical order, so consecutive files share it. Only its worker uses it.
type dirCache struct {
	src *source
	dir string
	f   *os.File
}

func (d *dirCache) close() {
	if d.f != nil {
		d.f.Close()
		d.f, d.src, d.dir = nil, nil, ""
	}
}

// open opens the regular file p of src: its directory through src's
// os.Root (so nothing outside is reached), the file itself relative to that
// directory without following a symlink and without blocking on a FIFO
// swapped in since the walk. With follow (the walk followed symlinks), see
// openFollow.
func (d *dirCache) open(src *source, p string, follow bool) (*srcFile, error) {
	if follow {
		return d.openFollow(src, p)
	}
	dir, base := path.Split(p)
	dir = path.Clean(dir)
	if err := d.openDir(src, dir); err != nil {
		return nil, err
	}
	fd, err := unix.Openat(int(d.f.Fd()), base, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK|unix.O_NOCTTY, 0)
	if err != nil {
		if errors.Is(err, unix.ELOOP) {
			return nil, fmt.Errorf("%s: %w", p, tree.ErrChanged)
		}
		return nil, &os.PathError{Op: "open", Path: p, Err: err}
	}
	return regularFile(fd, p)
}

// openDir makes dir of src the cached directory.
func (d *dirCache) openDir(src *source, dir string) error {
	if d.f != nil && d.src == src && d.dir == dir {
		return nil
	}
	d.close()
	f, err := src.root.OpenFile(dir, os.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		return err
	}
	d.src, d.dir, d.f = src, dir, f
	return nil
}

// openFollow opens the regular file p of src following symlinks, as the
// walk did (-L, --copy-unsafe-links, -k): in a confined source (a daemon
// module) through the confining os.Root, so that no link leads outside it;
// else relative to the source's root, wherever its links lead (as rsync).
func (d *dirCache) openFollow(src *source, p string) (*srcFile, error) {
	const flags = unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NONBLOCK | unix.O_NOCTTY
	if src.confine != nil {
		f, err := src.confine.OpenFile(path.Join(src.confinePath, p), flags, 0)
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: p, Err: err}
		}
		defer f.Close()
		fd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 0)
		if err != nil {
			return nil, &os.PathError{Op: "dup", Path: p, Err: err}
		}
		return regularFile(fd, p)
	}
	if err := d.openDir(src, "."); err != nil {
		return nil, err
	}
	fd, err := unix.Openat(int(d.f.Fd()), p, flags, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: p, Err: err}
	}
	return regularFile(fd, p)
}

// regularFile returns the open file fd, p in the transfer, as a srcFile if
// it is a regular file (else it closes fd).
func regularFile(fd int, p string) (*srcFile, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return nil, fmt.Errorf("%s: %w", p, tree.ErrChanged)
	}
	return &srcFile{fd: fd, size: st.Size}, nil
}
