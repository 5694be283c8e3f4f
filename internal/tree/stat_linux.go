package tree

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// errUnknownType reports a stat result with a file type ferry cannot carry.
var errUnknownType = errors.New("ferry: unknown file type")

// statAt lstats name inside the directory dirfd and returns its Entry with
// Path set to path. Symlink targets are read; names and checksums are not.
func statAt(dirfd int, name, path string) (*Entry, error) {
	return statAtWith(dirfd, name, path, nil)
}

// statAtWith is statAt with the lstat result st when it was made already
// (nil: stat now).
func statAtWith(dirfd int, name, path string, st *unix.Stat_t) (*Entry, error) {
	var own unix.Stat_t
	if st == nil {
		st = &own
		if err := ignoringEINTR(func() error {
			return unix.Fstatat(dirfd, name, st, unix.AT_SYMLINK_NOFOLLOW)
		}); err != nil {
			return nil, &os.PathError{Op: "lstat", Path: path, Err: err}
		}
	}
	e, err := entryFromStat(path, st)
	if err != nil {
		return nil, err
	}
	if e.Type == TypeSymlink {
		target, err := readlinkAt(dirfd, name, st.Size)
		if err != nil {
			return nil, &os.PathError{Op: "readlink", Path: path, Err: err}
		}
		e.LinkTarget = target
	}
	return e, nil
}

// statFD describes the open file fd as the entry path.
func statFD(fd int, path string) (*Entry, error) {
	var st unix.Stat_t
	if err := ignoringEINTR(func() error { return unix.Fstat(fd, &st) }); err != nil {
		return nil, &os.PathError{Op: "fstat", Path: path, Err: err}
	}
	return entryFromStat(path, &st)
}

// entryFromStat fills an Entry from a stat result.
func entryFromStat(path string, st *unix.Stat_t) (*Entry, error) {
	e := &Entry{
		Path:  path,
		Mode:  st.Mode & 0o7777,
		MTime: st.Mtim.Sec*1e9 + st.Mtim.Nsec,
		UID:   st.Uid,
		GID:   st.Gid,
		Dev:   uint64(st.Dev),
		Ino:   uint64(st.Ino),
		Nlink: uint64(st.Nlink),
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		e.Type = TypeFile
		e.Size = st.Size
	case unix.S_IFDIR:
		e.Type = TypeDir
	case unix.S_IFLNK:
		e.Type = TypeSymlink
	case unix.S_IFCHR:
		e.Type = TypeChar
		e.Rdev = uint64(st.Rdev)
	case unix.S_IFBLK:
		e.Type = TypeBlock
		e.Rdev = uint64(st.Rdev)
	case unix.S_IFIFO:
		e.Type = TypeFIFO
	case unix.S_IFSOCK:
		e.Type = TypeSocket
	default:
		return nil, fmt.Errorf("%s: %w (mode %#o)", path, errUnknownType, st.Mode)
	}
	return e, nil
}

// readlinkAt reads the target of the symlink name in dirfd; size is the
// link's st_size, a hint for the buffer.
func readlinkAt(dirfd int, name string, size int64) (string, error) {
	n := max(int(size)+1, 128)
	for {
		buf := make([]byte, n)
		var got int
		err := ignoringEINTR(func() error {
			var err error
			got, err = unix.Readlinkat(dirfd, name, buf)
			return err
		})
		if err != nil {
			return "", err
		}
		if got < len(buf) {
			return string(buf[:got]), nil
		}
		n *= 2
		if n > 1<<20 {
			return "", unix.ENAMETOOLONG
		}
	}
}

// openDirAt opens the directory name inside dirfd without following a
// symlink.
func openDirAt(dirfd int, name string) (int, error) {
	var fd int
	err := ignoringEINTR(func() error {
		var err error
		fd, err = unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		return err
	})
	return fd, err
}

// openFileAt opens the regular file name inside dirfd for reading without
// following a symlink or blocking on a FIFO swapped in since the lstat.
func openFileAt(dirfd int, name string) (int, error) {
	var fd int
	err := ignoringEINTR(func() error {
		var err error
		fd, err = unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		return err
	})
	return fd, err
}

// dupFile duplicates the descriptor of f (close-on-exec) so the result
// outlives f.
func dupFile(f *os.File) (int, error) {
	sc, err := f.SyscallConn()
	if err != nil {
		return -1, err
	}
	fd := -1
	var dupErr error
	if err := sc.Control(func(raw uintptr) {
		fd, dupErr = unix.FcntlInt(raw, unix.F_DUPFD_CLOEXEC, 0)
	}); err != nil {
		return -1, err
	}
	return fd, dupErr
}

// openRootDir opens dir (a slash path inside root, following symlinks
// inside the root) and returns a private descriptor for it.
func openRootDir(root *os.Root, dir string) (int, error) {
	f, err := root.Open(dir)
	if err != nil {
		return -1, err
	}
	defer f.Close()
	fd, err := dupFile(f)
	if err != nil {
		return -1, fmt.Errorf("dup %s: %w", dir, err)
	}
	return fd, nil
}

func ignoringEINTR(fn func() error) error {
	for {
		err := fn()
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}
