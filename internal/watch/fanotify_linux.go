package watch

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

const fanotifyAvailable = true

// fanMask is what the filesystem mark asks for. FAN_RENAME reports a
// rename once, with both names (Linux 5.17); FAN_ONDIR includes
// directories.
const fanMask = unix.FAN_CREATE | unix.FAN_DELETE | unix.FAN_MODIFY | unix.FAN_ATTRIB |
	unix.FAN_CLOSE_WRITE | unix.FAN_RENAME | unix.FAN_ONDIR

// fanotifyWatcher watches the whole filesystem holding root with one
// mark, and reports the events under root: no per-directory watch, no
// setup scan. It needs CAP_SYS_ADMIN.
type fanotifyWatcher struct {
	// config
	root  string // root, absolute and with its symlinks resolved
	f     *os.File
	mount *os.File // any directory of the filesystem: open_by_handle_at's anchor
	out   chan Change
	opts  Options

	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// newFanotify sets the filesystem mark of root. Without the privilege or
// the kernel support it fails with ErrBackend.
func newFanotify(ctx context.Context, root string, opts Options) (Watcher, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	fd, err := unix.FanotifyInit(unix.FAN_CLASS_NOTIF|unix.FAN_CLOEXEC|unix.FAN_NONBLOCK|unix.FAN_REPORT_DFID_NAME_TARGET, unix.O_RDONLY|unix.O_LARGEFILE)
	if err != nil {
		return nil, fmt.Errorf("%w: fanotify_init: %w (fanotify needs Linux 5.17 and CAP_SYS_ADMIN; --watcher inotify works without)", ErrBackend, err)
	}
	f := os.NewFile(uintptr(fd), "fanotify")
	if err := unix.FanotifyMark(fd, unix.FAN_MARK_ADD|unix.FAN_MARK_FILESYSTEM, fanMask, unix.AT_FDCWD, abs); err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: fanotify_mark %s: %w", ErrBackend, abs, err)
	}
	mount, err := os.Open(abs)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("watch: %w", err)
	}
	w := &fanotifyWatcher{root: abs, f: f, mount: mount, out: make(chan Change, 64), opts: opts, done: make(chan struct{})}
	ctx, w.cancel = context.WithCancel(ctx)
	go w.run(ctx)
	return w, nil
}

func (w *fanotifyWatcher) Changes() <-chan Change { return w.out }

func (w *fanotifyWatcher) Close() error {
	w.once.Do(func() {
		w.cancel()
		w.f.Close()
	})
	<-w.done
	w.mount.Close()
	return nil
}

// run delivers the changes read until ctx is done or the descriptor is
// closed; the overflow test hook acts as the kernel's FAN_Q_OVERFLOW.
func (w *fanotifyWatcher) run(ctx context.Context) {
	defer close(w.done)
	defer close(w.out)
	stop := context.AfterFunc(ctx, func() { w.f.Close() })
	defer stop()
	read := make(chan []Change)
	go w.read(ctx, read)
	// Close closes the mount descriptor once run is done: the reader,
	// which resolves handles through it, must have ended first (the
	// descriptor is closed, so its read fails at once).
	defer func() {
		for range read {
		}
	}()
	for {
		var changes []Change
		select {
		case <-ctx.Done():
			return
		case cs, ok := <-read:
			if !ok {
				return
			}
			changes = cs
		case <-w.opts.overflow:
			changes = []Change{{Rescan: true}}
		}
		for _, c := range changes {
			select {
			case w.out <- c:
			case <-ctx.Done():
				return
			}
		}
	}
}

// read turns what is read from the descriptor into changes.
func (w *fanotifyWatcher) read(ctx context.Context, out chan<- []Change) {
	defer close(out)
	buf := make([]byte, 64<<10)
	for {
		n, err := w.f.Read(buf)
		if err != nil {
			return
		}
		var changes []Change
		for off := 0; off+fanMetaSize <= n; {
			evLen := int(binary.NativeEndian.Uint32(buf[off:]))
			if evLen < fanMetaSize || off+evLen > n {
				break
			}
			changes = w.event(buf[off:off+evLen], changes)
			off += evLen
		}
		if len(changes) == 0 {
			continue
		}
		select {
		case out <- changes:
		case <-ctx.Done():
			return
		}
	}
}

// event turns one fanotify event (metadata, then info records) into
// changes under the root.
func (w *fanotifyWatcher) event(ev []byte, changes []Change) []Change {
	metaLen := int(binary.NativeEndian.Uint16(ev[6:]))
	mask := binary.NativeEndian.Uint64(ev[8:])
	if fd := int32(binary.NativeEndian.Uint32(ev[16:])); fd >= 0 {
		unix.Close(int(fd)) // not asked for; closed all the same
	}
	if mask&unix.FAN_Q_OVERFLOW != 0 {
		return append(changes, Change{Rescan: true})
	}
	var name, oldName, newName string
	var have, haveOld, haveNew bool
	for off := metaLen; off+4 <= len(ev); {
		typ := ev[off]
		l := int(binary.NativeEndian.Uint16(ev[off+2:]))
		if l < 4 || off+l > len(ev) {
			break
		}
		rec := ev[off+4 : off+l]
		off += l
		p, ok := w.resolve(rec)
		switch typ {
		case unix.FAN_EVENT_INFO_TYPE_DFID_NAME:
			name, have = p, ok
		case unix.FAN_EVENT_INFO_TYPE_OLD_DFID_NAME:
			oldName, haveOld = p, ok
		case unix.FAN_EVENT_INFO_TYPE_NEW_DFID_NAME:
			newName, haveNew = p, ok
		}
	}
	// A directory that cannot be found again is gone, and so is what
	// happened in it: its own deletion (or a rename of a directory
	// above it) is reported in its parent, which covers it.
	dir := mask&unix.FAN_ONDIR != 0
	if mask&unix.FAN_RENAME != 0 {
		oldIn, newIn := w.under(oldName, haveOld), w.under(newName, haveNew)
		switch {
		case oldIn && newIn:
			return append(changes, Change{Path: w.rel(newName), From: w.rel(oldName), Dir: dir})
		case newIn: // moved in
			return append(changes, Change{Path: w.rel(newName), Created: true, Dir: dir})
		case oldIn: // moved out
			return append(changes, Change{Path: w.rel(oldName)})
		}
		return changes
	}
	if have && name == w.root && mask&unix.FAN_ATTRIB != 0 {
		return append(changes, Change{Path: ""}) // the root's own metadata
	}
	if !w.under(name, have) {
		return changes
	}
	created := mask&unix.FAN_CREATE != 0
	return append(changes, Change{Path: w.rel(name), Created: created, Dir: created && dir})
}

// resolve turns an info record (fsid, file handle of a directory, name)
// into an absolute path.
func (w *fanotifyWatcher) resolve(rec []byte) (string, bool) {
	if len(rec) < 16 {
		return "", false
	}
	hlen := int(binary.NativeEndian.Uint32(rec[8:]))
	htype := int32(binary.NativeEndian.Uint32(rec[12:]))
	if 16+hlen > len(rec) {
		return "", false
	}
	h := unix.NewFileHandle(htype, rec[16:16+hlen])
	name := string(rec[16+hlen:])
	if i := strings.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	fd, err := unix.OpenByHandleAt(int(w.mount.Fd()), h, unix.O_PATH|unix.O_CLOEXEC)
	if err != nil {
		return "", false
	}
	dir, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	unix.Close(fd)
	if err != nil || strings.HasSuffix(dir, " (deleted)") {
		return "", false
	}
	if name == "" || name == "." {
		return dir, true
	}
	return filepath.Join(dir, name), true
}

// under reports whether the absolute path p is inside the root (not the
// root itself: its own events name it in its parent).
func (w *fanotifyWatcher) under(p string, ok bool) bool {
	return ok && strings.HasPrefix(p, w.root+"/")
}

// rel is p relative to the root, slash-separated.
func (w *fanotifyWatcher) rel(p string) string {
	return filepath.ToSlash(strings.TrimPrefix(p, w.root+"/"))
}

// fanMetaSize is the size of struct fanotify_event_metadata.
const fanMetaSize = int(unsafe.Sizeof(unix.FanotifyEventMetadata{}))
