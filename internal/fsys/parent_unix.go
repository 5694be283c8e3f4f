//go:build unix

package fsys

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// ErrNotRegular is returned when a file that must be a regular file (a
// basis, a partial file, an --inplace destination) is something else.
var ErrNotRegular = errors.New("ferry: not a regular file")

// parent is an open parent directory and the final component of a name.
// The *at system calls fsys makes itself operate on fd and base only, with
// AT_SYMLINK_NOFOLLOW or O_NOFOLLOW, so nothing outside the root is reached.
type parent struct {
	fd   int
	c    *cachedDir // the cache entry holding fd; nil for the root itself
	dir  string
	base string
}

// openParent opens the parent directory of a validated name, refusing to
// leave the root even through symlinks: with openat2(RESOLVE_BENEATH) when
// the kernel has it (one system call), else through os.Root. Recently used
// directories stay open in the Root's cache (dircache.go), so consecutive
// files of one directory open it once.
func (r *Root) openParent(name string) (parent, error) {
	dir, base := split(name)
	if dir == "." {
		return parent{fd: r.fd, dir: dir, base: base}, nil
	}
	if c := r.dirs.get(dir); c != nil {
		return parent{fd: c.fd, c: c, dir: dir, base: base}, nil
	}
	c := &cachedDir{dir: dir, refs: 1}
	if fd, err := openDirBeneath(r.fd, dir); err == nil {
		c.fd = fd
	} else if !errors.Is(err, errUseRoot) {
		return parent{}, err
	} else {
		f, err := r.root.OpenFile(dir, os.O_RDONLY|unix.O_DIRECTORY, 0)
		if err != nil {
			return parent{}, unwrapPath(err)
		}
		c.f, c.fd = f, int(f.Fd())
	}
	r.dirs.put(c)
	return parent{fd: c.fd, c: c, dir: dir, base: base}, nil
}

// errUseRoot makes openParent fall back to os.Root.
var errUseRoot = errors.New("openat2 unavailable")

// close releases the parent directory (to the cache).
func (p parent) close() {
	if p.c != nil {
		p.c.release()
	}
}

// OpenRead opens the regular file name for reading, for use as a delta
// basis. A final symlink is not followed (the error matches unix.ELOOP), and
// anything but a regular file gives ErrNotRegular; a FIFO never blocks the
// open.
func (r *Root) OpenRead(name string) (*os.File, error) {
	if err := checkName(name, false); err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	f, err := r.openRegular(name, os.O_RDONLY)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	return f, nil
}

// openRegular opens a validated name with flags (never following a final
// symlink, never blocking on a FIFO) and checks it is a regular file.
func (r *Root) openRegular(name string, flags int) (*os.File, error) {
	p, err := r.openParent(name)
	if err != nil {
		return nil, err
	}
	defer p.close()
	f, _, err := r.openRegularIn(p, name, flags)
	return f, err
}

// openRegularIn opens the final component of p like openRegular and reports
// whether the open created it.
func (r *Root) openRegularIn(p parent, name string, flags int) (*os.File, bool, error) {
	if flags&os.O_CREATE != 0 {
		// Try an exclusive create first to learn whether the file is new.
		fd, err := unix.Openat(p.fd, p.base, flags|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
		if err == nil {
			return os.NewFile(uintptr(fd), name), true, nil
		}
		if !errors.Is(err, unix.EEXIST) {
			return nil, false, err
		}
		flags &^= os.O_CREATE
	}
	fd, err := unix.Openat(p.fd, p.base, flags|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK|unix.O_NOCTTY, 0o600)
	if err != nil {
		return nil, false, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, false, err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return nil, false, ErrNotRegular
	}
	// Back to blocking mode so os.File does plain reads and writes.
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return nil, false, err
	}
	return os.NewFile(uintptr(fd), name), false, nil
}
