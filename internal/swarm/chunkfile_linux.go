package swarm

import (
	"errors"
	"io"

	"golang.org/x/sys/unix"
)

// useOpenat2: tests turn it off to exercise the os.Root path.
var useOpenat2 = true

// readFileAtFast is readFileAt with openat2 below the module's directory;
// ok is false when that cannot be used (the caller goes through os.Root).
func (s *server) readFileAtFast(p string, buf []byte, off int64) (n int, err error, ok bool) {
	s.dirOnce.Do(func() {
		if d, err := s.o.Root.Open("."); err == nil {
			s.dir, s.dirfd = d, int(d.Fd())
		}
	})
	if s.dir == nil || s.noOpenat2.Load() || !useOpenat2 {
		return 0, nil, false
	}
	// The type first, through an O_PATH descriptor, which opens nothing:
	// opening a device can act on it (a watchdog arms, a tape rewinds),
	// and a peer may name any path of the module. Making a device appear
	// at that name between the check and the open takes root.
	how := unix.OpenHow{
		Flags:   unix.O_PATH | unix.O_NOFOLLOW | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	}
	fd, err := unix.Openat2(s.dirfd, p, &how)
	switch {
	case errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EPERM):
		s.noOpenat2.Store(true) // missing, or filtered by seccomp
		return 0, nil, false
	case errors.Is(err, unix.EAGAIN):
		return 0, nil, false // a concurrent rename: os.Root decides
	case err != nil:
		return 0, err, true
	}
	var st unix.Stat_t
	err = unix.Fstat(fd, &st)
	unix.Close(fd)
	if err != nil {
		return 0, err, true
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return 0, errNotRegular, true
	}
	how.Flags = unix.O_RDONLY | unix.O_NOFOLLOW | unix.O_NONBLOCK | unix.O_CLOEXEC
	if fd, err = unix.Openat2(s.dirfd, p, &how); err != nil {
		return 0, err, true
	}
	defer unix.Close(fd)
	if err := unix.Fstat(fd, &st); err != nil {
		return 0, err, true
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return 0, errNotRegular, true
	}
	for n < len(buf) {
		m, err := unix.Pread(fd, buf[n:], off+int64(n))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return n, err, true
		}
		if m == 0 {
			return n, io.EOF, true
		}
		n += m
	}
	return n, nil, true
}
