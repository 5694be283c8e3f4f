package swarm

import (
	"errors"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

// treeWatch tells an origin whether its tree may have changed since its
// last scan, so that an INFO finds the generation without a scan when
// nothing did: an inotify watch on every directory the scan opened. The
// kernel queues an event before the call that changed the tree returns,
// so a change made before a request is in the queue when the request
// reads it.
type treeWatch struct {
	fd  int // the inotify descriptor, non-blocking; closed when unreachable
	buf []byte
}

// watchMask is every change the quick check can see, and the watch's own
// end (a directory removed or moved away, the file system unmounted).
const watchMask = unix.IN_MODIFY | unix.IN_ATTRIB | unix.IN_CLOSE_WRITE | unix.IN_CREATE | unix.IN_DELETE |
	unix.IN_MOVED_FROM | unix.IN_MOVED_TO | unix.IN_DELETE_SELF | unix.IN_MOVE_SELF | unix.IN_ONLYDIR

// newTreeWatch returns an empty watch, or nil when inotify is missing.
func newTreeWatch() *treeWatch {
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		return nil
	}
	w := &treeWatch{fd: fd, buf: make([]byte, 64<<10)}
	runtime.AddCleanup(w, func(fd int) { unix.Close(fd) }, fd)
	return w
}

// add watches the open directory dirfd. It fails when the watches run out
// (fs.inotify.max_user_watches).
func (w *treeWatch) add(dirfd int) error {
	_, err := unix.InotifyAddWatch(w.fd, "/proc/self/fd/"+strconv.Itoa(dirfd), watchMask)
	return err
}

// changed drains the queue and reports whether it held an event (any
// event, an overflow included) or could not be read.
func (w *treeWatch) changed() bool {
	any := false
	for {
		n, err := unix.Read(w.fd, w.buf)
		switch {
		case n > 0:
			any = true
			continue
		case errors.Is(err, unix.EAGAIN):
			return any
		case errors.Is(err, unix.EINTR):
			continue
		}
		return true
	}
}
