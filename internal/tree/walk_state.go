package tree

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// dirFrame is one open directory on the walker's path.
type dirFrame struct {
	fd    int
	path  string   // entry path of the directory
	names []string // sorted names still to visit from next on
	next  int
	stats map[string]*unix.Stat_t // results made ahead (WalkOptions.Stats), by name
}

// walkState is the mutable part of a Walker.
type walkState struct {
	started bool
	err     error // sticky: io.EOF, ErrWalkerClosed or a fatal error

	stack   []*dirFrame
	pending *Entry // directory just returned, opened by the next Next
	rootDev uint64

	dirBuf []byte
	hash   *hasher

	// last id lookups, to spare the shared cache's lock
	lastUID, lastGID    uint32
	lastUser, lastGroup string
	haveUser, haveGroup bool
}

func (w *Walker) next() (*Entry, error) {
	if w.w.err != nil {
		return nil, w.w.err
	}
	if !w.w.started {
		w.w.started = true
		e, err := w.start()
		if err != nil {
			w.closeAll()
			w.w.err = err
			return nil, err
		}
		if e != nil {
			return e, nil
		}
	}
	if d := w.w.pending; d != nil {
		w.w.pending = nil
		w.descend(d)
	}
	for len(w.w.stack) > 0 {
		top := w.w.stack[len(w.w.stack)-1]
		if top.next >= len(top.names) {
			w.pop()
			continue
		}
		name := top.names[top.next]
		top.names[top.next] = "" // let the string go
		top.next++
		e := w.child(top, name)
		if e != nil {
			return e, nil
		}
	}
	w.w.err = io.EOF
	return nil, io.EOF
}

// start returns the start entry (nil if the filter excludes it) and
// prepares the descent below it.
func (w *Walker) start() (*Entry, error) {
	start := w.opts.Start
	if start == "" {
		start = "."
	}
	if err := ValidPath(start); err != nil {
		return nil, fmt.Errorf("walk start: %w", err)
	}
	prefix := w.opts.Prefix
	if prefix != "" && prefix != "." {
		if err := ValidPath(prefix); err != nil {
			return nil, fmt.Errorf("walk prefix: %w", err)
		}
		return w.startNamed(start, prefix)
	}
	// "src/" form: follow the start (inside the root) and name it ".".
	fd, err := openRootDir(w.root, start)
	if err != nil {
		return nil, fmt.Errorf("walk %s: %w", start, err)
	}
	e, err := statFD(fd, ".")
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	w.fill(e)
	w.w.rootDev = e.Dev
	if e.Type == TypeDir {
		w.push(fd, ".")
		return e, nil
	}
	if e.Type == TypeFile && w.opts.Checksum {
		w.setSum(e, func(h *hasher) ([]byte, error) { return h.sumFD(fd, e.Path, e.Ino) })
	}
	unix.Close(fd)
	return e, nil
}

// startNamed handles the "src" form: the start entry keeps its own name
// (prefix), is not followed if a symlink, and is filtered.
func (w *Walker) startNamed(start, prefix string) (*Entry, error) {
	dirfd := -1
	var e *Entry
	var err error
	if start == "." {
		if dirfd, err = openRootDir(w.root, "."); err == nil {
			e, err = statFD(dirfd, prefix)
		}
	} else {
		if dirfd, err = openRootDir(w.root, parentDir(start)); err == nil {
			e, err = statAt(dirfd, baseName(start), prefix)
		}
	}
	if err != nil {
		if dirfd >= 0 {
			unix.Close(dirfd)
		}
		return nil, fmt.Errorf("walk %s: %w", start, err)
	}
	defer unix.Close(dirfd)
	w.w.rootDev = e.Dev
	if w.opts.Filter.Match(prefix, e.IsDir()) {
		return nil, nil
	}
	w.fill(e)
	if e.Type == TypeFile && w.opts.Checksum {
		w.checksum(e, dirfd, baseName(start))
	}
	if e.Type == TypeDir && w.opts.Recursive {
		fd := dirfd
		if start != "." {
			if fd, err = openDirAt(dirfd, baseName(start)); err != nil {
				w.report(prefix, &os.PathError{Op: "open", Path: prefix, Err: err})
				return e, nil
			}
		} else if fd, err = unix.FcntlInt(uintptr(dirfd), unix.F_DUPFD_CLOEXEC, 0); err != nil {
			w.report(prefix, &os.PathError{Op: "dup", Path: prefix, Err: err})
			return e, nil
		}
		w.push(fd, prefix)
	}
	return e, nil
}

// child stats name in frame top and returns its entry, or nil when the
// entry is skipped (vanished, unreadable, or excluded).
func (w *Walker) child(top *dirFrame, name string) *Entry {
	path := Join(top.path, name)
	st := top.stats[name] // nil: stat it now
	e, err := statAtWith(top.fd, name, path, st)
	if err != nil {
		w.report(path, err)
		return nil
	}
	if w.opts.Filter.Match(path, e.IsDir()) {
		return nil
	}
	w.fill(e)
	switch e.Type {
	case TypeFile:
		if w.opts.Checksum {
			w.checksum(e, top.fd, name)
		}
	case TypeDir:
		if w.opts.Recursive && (!w.opts.OneFileSystem || e.Dev == w.w.rootDev) {
			w.w.pending = e
		}
	}
	return e
}

// descend opens the pending directory d, a child of the top frame, and
// pushes its frame.
func (w *Walker) descend(d *Entry) {
	top := w.w.stack[len(w.w.stack)-1]
	fd, err := openDirAt(top.fd, d.Name())
	if err != nil {
		w.report(d.Path, &os.PathError{Op: "open", Path: d.Path, Err: err})
		return
	}
	w.push(fd, d.Path)
}

// push reads the names of the open directory fd and makes it the top
// frame.
func (w *Walker) push(fd int, path string) {
	if w.w.dirBuf == nil {
		w.w.dirBuf = make([]byte, 64<<10)
	}
	names, err := readNames(fd, path, w.w.dirBuf)
	if err != nil {
		w.report(path, err)
	}
	f := &dirFrame{fd: fd, path: path, names: names}
	if w.opts.Stats != nil {
		// Keyed on the directory as it is now (its entry d may itself be a
		// result made ahead), so that results taken before an entry was
		// added, removed or renamed in it do not match.
		var st unix.Stat_t
		if unix.Fstat(fd, &st) == nil {
			f.stats = w.opts.Stats.TakeDir(DirKey{Dev: uint64(st.Dev), Ino: st.Ino, MTime: st.Mtim.Sec*1e9 + st.Mtim.Nsec})
		}
	}
	w.w.stack = append(w.w.stack, f)
}

func (w *Walker) pop() {
	n := len(w.w.stack) - 1
	unix.Close(w.w.stack[n].fd)
	w.w.stack[n] = nil
	w.w.stack = w.w.stack[:n]
}

func (w *Walker) closeAll() {
	for len(w.w.stack) > 0 {
		w.pop()
	}
	w.w.pending = nil
}

// checksum sets e.Checksum from the file name inside dirfd.
func (w *Walker) checksum(e *Entry, dirfd int, name string) {
	w.setSum(e, func(h *hasher) ([]byte, error) { return h.sumAt(dirfd, name, e.Path, e.Ino) })
}

// setSum sets e.Checksum with sum, reporting a failure instead: the entry
// is still returned, with no checksum, so that a receiver does not take it
// for deleted.
func (w *Walker) setSum(e *Entry, sum func(*hasher) ([]byte, error)) {
	if e.Size == 0 {
		e.Checksum = emptySum()
		return
	}
	if w.w.hash == nil {
		w.w.hash = newHasher()
	}
	s, err := sum(w.w.hash)
	if err != nil {
		w.report(e.Path, err)
		return
	}
	e.Checksum = s
}

// fill sets the entry's user and group names unless NumericIDs.
func (w *Walker) fill(e *Entry) {
	if w.opts.NumericIDs {
		return
	}
	s := &w.w
	if !s.haveUser || s.lastUID != e.UID {
		s.lastUID, s.lastUser, s.haveUser = e.UID, idNames.user(e.UID), true
	}
	if !s.haveGroup || s.lastGID != e.GID {
		s.lastGID, s.lastGroup, s.haveGroup = e.GID, idNames.group(e.GID), true
	}
	e.User, e.Group = s.lastUser, s.lastGroup
}

func (w *Walker) report(path string, err error) {
	if w.opts.OnError != nil {
		w.opts.OnError(path, err)
	}
}
