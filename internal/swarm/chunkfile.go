package swarm

import (
	"errors"
	"os"
	"syscall"
)

// Reading a chunk's bytes from the module. Through os.Root an open costs
// a dozen system calls (a walk of the path's components, an *os.File and
// its poller registration); a tree of small files is mostly opens, so on
// Linux a chunk's file is opened with one openat2 below the module's
// directory instead (RESOLVE_BENEATH and RESOLVE_NO_SYMLINKS: the kernel
// refuses any path that leaves the module or passes a symlink, which a
// manifest path never does), read with pread and closed. Where openat2 is
// missing, os.Root as before.

// errNotRegular: the path names something other than a regular file.
var errNotRegular = errors.New("not a regular file")

// readFileAt reads len(buf) bytes at off of the module's regular file p,
// returning how many it read (short at the end of the file, with io.EOF).
func (s *server) readFileAt(p string, buf []byte, off int64) (int, error) {
	if n, err, ok := s.readFileAtFast(p, buf, off); ok {
		return n, err
	}
	// The type before the open (see readFileAtFast).
	if fi, err := s.o.Root.Lstat(p); err != nil {
		return 0, err
	} else if !fi.Mode().IsRegular() {
		return 0, errNotRegular
	}
	f, err := s.o.Root.OpenFile(p, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return 0, errNotRegular
	}
	return f.ReadAt(buf, off)
}

// closeDir releases the module directory descriptor readFileAtFast opened.
func (s *server) closeDir() {
	s.dirOnce.Do(func() {}) // no open after this
	if s.dir != nil {
		s.dir.Close()
	}
}
