package tree

import (
	"fmt"
	"io"
	"os"

	"github.com/ferrysync/ferry/internal/fsys"

	"golang.org/x/sys/unix"
)

// dirFrame is one open directory on the walker's path.
type dirFrame struct {
	fd    int
	path  string // entry path of the directory
	rpath string // its path in the root (as reached: it may go through followed symlinks)
	// dev and ino identify the directory (set when links are followed,
	// to find loops)
	dev, ino uint64
	names    []string // sorted names still to visit from next on
	next     int
	stats    []unix.Stat_t // names' lstat results read ahead (WalkOptions.Dirs), if any
}

// walkState is the mutable part of a Walker.
type walkState struct {
	started bool
	err     error // sticky: io.EOF, ErrWalkerClosed or a fatal error

	stack   []*dirFrame
	pending *Entry // directory just returned, opened by the next Next
	// pendingFD is the pending directory already open when pendingOpen
	// (a followed symlink's referent)
	pendingFD   int
	pendingOpen bool
	rootDev     uint64
	above       []dirID // directories above the start (FollowLinks only)

	dirBuf []byte
	hash   *hasher
	rules  *filterStack // nil unless the Filter has DirMerge rules

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
		if w.opts.Filter.HasDirMerge() {
			w.w.rules = &filterStack{f: w.opts.Filter}
		}
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
		fd, open := w.w.pendingFD, w.w.pendingOpen
		w.w.pending, w.w.pendingOpen = nil, false
		w.descend(d, fd, open)
	}
	for len(w.w.stack) > 0 {
		top := w.w.stack[len(w.w.stack)-1]
		if top.next >= len(top.names) {
			w.pop()
			continue
		}
		i := top.next
		name := top.names[i]
		top.names[i] = "" // let the string go
		top.next++
		var st *unix.Stat_t // nil: stat it now
		if i < len(top.stats) && top.stats[i].Mode != 0 {
			st = &top.stats[i]
		}
		e := w.child(top, name, st)
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
	w.noteAbove(start)
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
	w.xattrs(e, fd, "")
	w.w.rootDev = e.Dev
	if e.Type == TypeDir {
		w.push(fd, e, start)
		return e, nil
	}
	if e.Type == TypeFile && w.opts.Checksum {
		w.setSum(e, func(h *hasher) ([]byte, error) { return h.sumFD(fd, e.Path, e.Ino) })
	}
	unix.Close(fd)
	return e, nil
}

// startNamed handles the "src" form: the start entry keeps its own name
// (prefix), is not followed if a symlink (unless WalkOptions.Follow says
// so), and is filtered.
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
	fd := -1 // the start directory, when open already
	linked := false
	if e.Type == TypeSymlink && w.opts.Follow.Any() {
		f, lfd, err := w.follow(dirfd, parentDir(start), baseName(start), e)
		if err != nil {
			if !w.excludedEither(prefix) {
				w.report(prefix, err)
			}
			return nil, nil
		}
		linked = f != e
		e, fd = f, lfd
	}
	closeFD := func() {
		if fd >= 0 {
			unix.Close(fd)
		}
	}
	w.w.rootDev = e.Dev
	if err := w.loadAncestors(start, prefix); err != nil {
		closeFD()
		return nil, err
	}
	if ex, prot := w.excluded(prefix, e.IsDir()); prot != nil {
		e.Protected, e.Perishable = true, prot.rule.Perishable
	} else if ex {
		closeFD()
		w.skip(e)
		return nil, nil
	}
	w.fill(e)
	if start == "." {
		w.xattrs(e, dirfd, "")
	} else {
		w.xattrs(e, dirfd, baseName(start))
	}
	if e.Type == TypeFile && w.opts.Checksum {
		if linked {
			w.checksumLink(e, dirfd, parentDir(start), baseName(start))
		} else {
			w.checksum(e, dirfd, baseName(start))
		}
	}
	if e.Type != TypeDir {
		return e, nil
	}
	if !w.opts.Recursive {
		closeFD()
		w.skip(e)
		return e, nil
	}
	switch {
	case fd >= 0:
	case start != ".":
		if fd, err = openDirAt(dirfd, baseName(start)); err != nil {
			w.report(prefix, &os.PathError{Op: "open", Path: prefix, Err: err})
			w.skip(e)
			return e, nil
		}
	default:
		if fd, err = unix.FcntlInt(uintptr(dirfd), unix.F_DUPFD_CLOEXEC, 0); err != nil {
			w.report(prefix, &os.PathError{Op: "dup", Path: prefix, Err: err})
			w.skip(e)
			return e, nil
		}
	}
	w.push(fd, e, start)
	return e, nil
}

// child describes name in frame top (st is its lstat result, if read
// ahead) and returns its entry, or nil when the entry is skipped
// (vanished, unreadable, or excluded).
func (w *Walker) child(top *dirFrame, name string, st *unix.Stat_t) *Entry {
	path := Join(top.path, name)
	e, err := statAtWith(top.fd, name, path, st)
	if err != nil {
		w.report(path, err)
		return nil
	}
	fd, linked := -1, false // a followed symlink's directory, open
	if e.Type == TypeSymlink && w.opts.Follow.Any() && !w.opts.Follow.StartOnly {
		f, lfd, err := w.follow(top.fd, top.rpath, name, e)
		if err != nil {
			if !w.excludedEither(path) {
				w.report(path, err)
			}
			return nil
		}
		linked = f != e
		e, fd = f, lfd
	}
	if ex, prot := w.excluded(path, e.IsDir()); prot != nil {
		e.Protected, e.Perishable = true, prot.rule.Perishable
	} else if ex {
		if fd >= 0 {
			unix.Close(fd)
		}
		w.skip(e)
		return nil
	}
	w.fill(e)
	w.xattrs(e, top.fd, name)
	switch e.Type {
	case TypeFile:
		if w.opts.Checksum && linked {
			w.checksumLink(e, top.fd, top.rpath, name)
		} else if w.opts.Checksum {
			w.checksum(e, top.fd, name)
		}
	case TypeDir:
		if linked && w.onPath(e) {
			if fd >= 0 {
				unix.Close(fd)
			}
			w.report(path, ErrLinkLoop)
			return nil
		}
		if w.opts.Recursive && (!w.opts.OneFileSystem || e.Dev == w.w.rootDev) {
			w.w.pending = e
			w.w.pendingFD, w.w.pendingOpen = fd, fd >= 0
			return e
		}
		if fd >= 0 {
			unix.Close(fd)
		}
		if w.opts.Recursive {
			w.skip(e)
		}
	}
	return e
}

// excludedEither reports whether the filter excludes path as a file or as
// a directory: a symlink that cannot be followed is reported only if it
// would not have been excluded whatever it pointed at (as rsync does).
func (w *Walker) excludedEither(path string) bool {
	file, _ := w.excluded(path, false)
	dir, _ := w.excluded(path, true)
	return file || dir
}

// descend opens the pending directory d, a child of the top frame (fd
// when open is its descriptor already), and pushes its frame.
func (w *Walker) descend(d *Entry, fd int, open bool) {
	top := w.w.stack[len(w.w.stack)-1]
	if !open {
		var err error
		if fd, err = openDirAt(top.fd, d.Name()); err != nil {
			w.report(d.Path, &os.PathError{Op: "open", Path: d.Path, Err: err})
			w.skip(d)
			return
		}
	}
	w.push(fd, d, Join(top.rpath, d.Name()))
}

// push reads the names of the open directory fd, whose entry is e and
// whose path in the root is rpath, and makes it the top frame.
func (w *Walker) push(fd int, e *Entry, rpath string) {
	path := e.Path
	f := &dirFrame{fd: fd, path: path, rpath: rpath, dev: e.Dev, ino: e.Ino}
	if w.opts.Dirs != nil {
		// Asked with the directory's state now (its entry may itself be a
		// result read ahead), so that results read before an entry was
		// added, removed or renamed in it do not match.
		var st unix.Stat_t
		if unix.Fstat(fd, &st) == nil {
			var ok bool
			if f.names, f.stats, ok = w.opts.Dirs.ReadDir(keyOf(&st), fd); ok {
				w.w.stack = append(w.w.stack, f)
				w.loadMerges(f)
				return
			}
			f.names, f.stats = nil, nil
		}
	}
	if w.w.dirBuf == nil {
		w.w.dirBuf = make([]byte, 64<<10)
	}
	names, err := readNames(fd, path, w.w.dirBuf)
	if err != nil {
		w.report(path, err)
	}
	f.names = names
	w.w.stack = append(w.w.stack, f)
	w.loadMerges(f)
}

// skip tells the source of directories read ahead that the walk will not
// read the directory e.
func (w *Walker) skip(e *Entry) {
	if w.opts.Dirs != nil && e.Type == TypeDir {
		w.opts.Dirs.Skip(e.Dev, e.Ino)
	}
}

func (w *Walker) pop() {
	n := len(w.w.stack) - 1
	if w.w.rules != nil {
		w.w.rules.pop(w.w.stack[n].path)
	}
	unix.Close(w.w.stack[n].fd)
	w.w.stack[n] = nil
	w.w.stack = w.w.stack[:n]
}

// closeAll closes the open directories, telling the source of
// directories read ahead that those not visited yet will not be read.
func (w *Walker) closeAll() {
	for len(w.w.stack) > 0 {
		w.skipRest(w.w.stack[len(w.w.stack)-1])
		w.pop()
	}
	if d := w.w.pending; d != nil {
		w.skip(d)
	}
	w.dropPending()
}

// dropPending forgets the pending directory, closing it if open.
func (w *Walker) dropPending() {
	if w.w.pendingOpen {
		unix.Close(w.w.pendingFD)
	}
	w.w.pending, w.w.pendingOpen = nil, false
}

// skipRest tells the source of directories read ahead that the
// directories of frame f not visited yet will not be read.
func (w *Walker) skipRest(f *dirFrame) {
	if w.opts.Dirs == nil {
		return
	}
	for i := f.next; i < len(f.stats); i++ {
		if st := &f.stats[i]; st.Mode&unix.S_IFMT == unix.S_IFDIR {
			w.opts.Dirs.Skip(uint64(st.Dev), st.Ino)
		}
	}
}

// checksum sets e.Checksum from the file name inside dirfd.
func (w *Walker) checksum(e *Entry, dirfd int, name string) {
	w.setSum(e, func(h *hasher) ([]byte, error) { return h.sumAt(dirfd, name, e.Path, e.Ino) })
}

// checksumLink sets e.Checksum from the file the followed symlink name
// (inside dirfd, whose path in the root is rdir) points at.
func (w *Walker) checksumLink(e *Entry, dirfd int, rdir, name string) {
	w.setSum(e, func(h *hasher) ([]byte, error) {
		fd, err := w.openLink(dirfd, rdir, name, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY)
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: e.Path, Err: err}
		}
		defer unix.Close(fd)
		return h.sumFD(fd, e.Path, e.Ino)
	})
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

// xattrs sets e.Xattrs from the entry name of the open directory dirfd
// ("" for dirfd itself), reporting a failure instead.
func (w *Walker) xattrs(e *Entry, dirfd int, name string) {
	if w.opts.Xattrs == 0 {
		return
	}
	xs, err := fsys.ReadXattrs(dirfd, name, w.opts.Xattrs, euidRoot)
	if err != nil {
		w.report(e.Path, &os.PathError{Op: "read extended attributes", Path: e.Path, Err: err})
		return
	}
	e.Xattrs = xs
}

// euidRoot says whether this process runs as root: it then reads the
// trusted and security attributes too.
var euidRoot = os.Geteuid() == 0

func (w *Walker) report(path string, err error) {
	if w.opts.OnError != nil {
		w.opts.OnError(path, err)
	}
}
