package swarm

import (
	"errors"
	"runtime"
	"strconv"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// treeWatch tells an origin whether its tree may have changed since its
// last scan, so that an INFO finds the generation without a scan when
// nothing did: an inotify watch on every directory the scan opened. The
// kernel queues an event before the call that changed the tree returns,
// so a change made before a request is in the queue when the request
// reads it.
type treeWatch struct {
	fd  *watchFD
	buf []byte
}

// watchFD is the inotify descriptor (non-blocking), closed by close or,
// failing that, once its treeWatch is unreachable.
type watchFD struct {
	fd     int
	closed atomic.Bool
}

func (f *watchFD) close() {
	if f.closed.CompareAndSwap(false, true) {
		unix.Close(f.fd)
	}
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
	w := &treeWatch{fd: &watchFD{fd: fd}, buf: make([]byte, 64<<10)}
	runtime.AddCleanup(w, (*watchFD).close, w.fd)
	return w
}

// add watches the open directory dirfd. It fails when the watches run out
// (fs.inotify.max_user_watches).
func (w *treeWatch) add(dirfd int) error {
	_, err := unix.InotifyAddWatch(w.fd.fd, "/proc/self/fd/"+strconv.Itoa(dirfd), watchMask)
	return err
}

// changed drains the queue and reports whether it held an event (any
// event, an overflow included) or could not be read.
func (w *treeWatch) changed() bool {
	any := false
	for {
		n, err := unix.Read(w.fd.fd, w.buf)
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

// close releases the descriptor and its watches now.
func (w *treeWatch) close() { w.fd.close() }
