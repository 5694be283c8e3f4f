package watch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

const inotifyAvailable = true

// watchMask is what every directory watch asks for. IN_EXCL_UNLINK: no
// events from files unlinked but still open; IN_DONT_FOLLOW, IN_ONLYDIR:
// a symlink or a file raced in place of a directory is not watched.
const watchMask = unix.IN_CREATE | unix.IN_DELETE | unix.IN_MODIFY | unix.IN_CLOSE_WRITE |
	unix.IN_ATTRIB | unix.IN_MOVED_FROM | unix.IN_MOVED_TO | unix.IN_DELETE_SELF |
	unix.IN_ONLYDIR | unix.IN_DONT_FOLLOW | unix.IN_EXCL_UNLINK

// ErrWatchLimit is the cause of the warning given when the kernel's
// limit on inotify watches is reached.
var ErrWatchLimit = errors.New("the inotify watch limit is reached (raise it with: sysctl fs.inotify.max_user_watches=N); the directories left unwatched are polled")

// rawEvent is one inotify event as read.
type rawEvent struct {
	wd     int
	mask   uint32
	cookie uint32 // pairs IN_MOVED_FROM with IN_MOVED_TO
	name   string
}

// inotifyWatcher watches every directory under root.
type inotifyWatcher struct {
	// config
	root string
	opts Options
	f    *os.File
	fd   int
	out  chan Change

	// state, owned by run (and by newInotify before run starts)
	wds    map[int]string // watch descriptor -> directory, relative to root
	dirs   map[string]int // the reverse
	polled map[string]struct{}
	warned bool

	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
	// maxWatches, when > 0, is a test hook: more watches fail with ENOSPC.
	maxWatches int
}

func newInotify(ctx context.Context, root string, opts Options) (Watcher, error) {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("watch: inotify_init1: %w", err)
	}
	w := &inotifyWatcher{
		root: root, opts: opts, fd: fd,
		f:   os.NewFile(uintptr(fd), "inotify"), // non-blocking: reads wait in the runtime poller, Close wakes them
		out: make(chan Change, 64),
		wds: map[int]string{}, dirs: map[string]int{}, polled: map[string]struct{}{},
		done: make(chan struct{}), maxWatches: opts.testMaxWatches,
	}
	if err := w.addTree(""); err != nil {
		w.f.Close()
		return nil, err
	}
	ctx, w.cancel = context.WithCancel(ctx)
	go w.run(ctx)
	return w, nil
}

func (w *inotifyWatcher) Changes() <-chan Change { return w.out }

func (w *inotifyWatcher) Close() error {
	w.once.Do(func() {
		w.cancel()
		w.f.Close()
	})
	<-w.done
	return nil
}

// run turns kernel events into changes until ctx is done.
func (w *inotifyWatcher) run(ctx context.Context) {
	defer close(w.done)
	defer close(w.out)
	raw := make(chan []rawEvent)
	go w.read(ctx, raw)
	tick := time.NewTicker(w.opts.PollInterval)
	defer tick.Stop()
	for {
		var changes []Change
		select {
		case <-ctx.Done():
			return
		case evs, ok := <-raw:
			if !ok {
				return
			}
			changes = w.handleAll(evs, changes)
		case <-w.opts.overflow:
			changes = w.handle(rawEvent{wd: -1, mask: unix.IN_Q_OVERFLOW}, changes)
		case <-tick.C:
			changes = w.poll(changes)
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

// read delivers the events read from the inotify descriptor.
func (w *inotifyWatcher) read(ctx context.Context, raw chan<- []rawEvent) {
	defer close(raw)
	buf := make([]byte, 64<<10)
	for {
		n, err := w.f.Read(buf)
		if err != nil {
			return // closed
		}
		var evs []rawEvent
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			e := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			name := buf[off+unix.SizeofInotifyEvent : off+unix.SizeofInotifyEvent+int(e.Len)]
			if i := strings.IndexByte(string(name), 0); i >= 0 {
				name = name[:i]
			}
			evs = append(evs, rawEvent{wd: int(e.Wd), mask: e.Mask, cookie: e.Cookie, name: string(name)})
			off += unix.SizeofInotifyEvent + int(e.Len)
		}
		select {
		case raw <- evs:
		case <-ctx.Done():
			return
		}
	}
}

// handle turns one kernel event into changes, keeping the watches in
// step with the tree.
func (w *inotifyWatcher) handle(ev rawEvent, changes []Change) []Change {
	if ev.mask&unix.IN_Q_OVERFLOW != 0 {
		// Events were lost: directories made meanwhile may lack their
		// watch. Watch them all again (a watched directory keeps its
		// descriptor), then compare the whole tree.
		w.addTree("")
		return append(changes, Change{Rescan: true})
	}
	dir, ok := w.wds[ev.wd]
	if !ok {
		return changes // a watch already removed
	}
	if ev.mask&unix.IN_IGNORED != 0 {
		w.forget(ev.wd)
		return changes
	}
	if ev.name == "" { // the directory itself
		if ev.mask&unix.IN_ATTRIB != 0 {
			changes = append(changes, Change{Path: dir})
		}
		return changes // DELETE_SELF: its parent reports the deletion
	}
	p := join(dir, ev.name)
	if ev.mask&unix.IN_ISDIR != 0 {
		switch {
		case ev.mask&(unix.IN_CREATE|unix.IN_MOVED_TO) != 0:
			// Watch first, then report: the pass reads it after the
			// watches exist, so what is made inside meanwhile is seen.
			w.addTree(p)
		case ev.mask&(unix.IN_MOVED_FROM|unix.IN_DELETE) != 0:
			w.removeTree(p)
		case ev.mask&unix.IN_ATTRIB != 0:
			// A directory that could not be watched (unreadable when
			// it came) may be readable now.
			if _, watched := w.dirs[p]; !watched {
				w.addTree(p)
			}
		}
	}
	created := ev.mask&(unix.IN_CREATE|unix.IN_MOVED_TO) != 0
	return append(changes, Change{Path: p, Created: created, Dir: created && ev.mask&unix.IN_ISDIR != 0})
}

// join is the path of name in the directory dir ("" is the root).
func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return path.Join(dir, name)
}

// addTree watches the directory rel and every directory under it.
func (w *inotifyWatcher) addTree(rel string) error {
	if err := w.addWatch(rel); err != nil {
		return err
	}
	if _, polled := w.polled[rel]; polled {
		return nil // polled whole, with what is under it
	}
	ents, err := os.ReadDir(filepath.Join(w.root, filepath.FromSlash(rel)))
	if err != nil {
		return nil // vanished or unreadable: the pass reports it
	}
	for _, e := range ents {
		if e.IsDir() {
			if rel == "" {
				w.addTree(e.Name())
			} else {
				w.addTree(rel + "/" + e.Name())
			}
		}
	}
	return nil
}

// addWatch watches one directory. Only a failure on the root is an
// error; ENOSPC puts the directory on the polled list.
func (w *inotifyWatcher) addWatch(rel string) error {
	var wd int
	var err error
	if w.maxWatches > 0 && len(w.wds) >= w.maxWatches {
		if _, ok := w.dirs[rel]; !ok {
			err = unix.ENOSPC
		}
	}
	if err == nil {
		wd, err = unix.InotifyAddWatch(w.fd, filepath.Join(w.root, filepath.FromSlash(rel)), watchMask)
	}
	switch {
	case err == nil:
		if old, ok := w.wds[wd]; ok && old != rel {
			delete(w.dirs, old)
		}
		w.wds[wd], w.dirs[rel] = rel, wd
		delete(w.polled, rel)
		return nil
	case errors.Is(err, unix.ENOSPC):
		w.polled[rel] = struct{}{}
		if !w.warned && w.opts.OnWarning != nil {
			w.opts.OnWarning(fmt.Errorf("watch %s: %w", w.display(rel), ErrWatchLimit))
		}
		w.warned = true
		return nil
	case rel == "":
		return fmt.Errorf("watch %s: inotify_add_watch: %w", w.root, err)
	case errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR):
		return nil // gone already: its parent reports it
	default:
		if w.opts.OnWarning != nil {
			w.opts.OnWarning(fmt.Errorf("watch %s: %w", w.display(rel), err))
		}
		return nil
	}
}

func (w *inotifyWatcher) display(rel string) string {
	return filepath.Join(w.root, filepath.FromSlash(rel))
}

// removeTree drops the watches of rel and everything under it (moved
// away or deleted: a directory moved back in is watched anew).
func (w *inotifyWatcher) removeTree(rel string) {
	for d, wd := range w.dirs {
		if d == rel || strings.HasPrefix(d, rel+"/") {
			unix.InotifyRmWatch(w.fd, uint32(wd))
			delete(w.dirs, d)
			delete(w.wds, wd)
		}
	}
	for d := range w.polled {
		if d == rel || strings.HasPrefix(d, rel+"/") {
			delete(w.polled, d)
		}
	}
}

func (w *inotifyWatcher) forget(wd int) {
	if d, ok := w.wds[wd]; ok && w.dirs[d] == wd {
		delete(w.dirs, d)
	}
	delete(w.wds, wd)
}

// poll reports the directories left unwatched, after trying to watch
// them again (the limit may have been raised).
func (w *inotifyWatcher) poll(changes []Change) []Change {
	if len(w.polled) == 0 {
		return changes
	}
	dirs := make([]string, 0, len(w.polled))
	for d := range w.polled {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		if _, still := w.polled[d]; !still {
			continue // watched meanwhile, under another polled directory
		}
		delete(w.polled, d)
		w.addTree(d)
		changes = append(changes, Change{Path: d, Rescan: d == ""})
	}
	return changes
}
