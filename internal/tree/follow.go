package tree

import (
	"errors"
	"fmt"
	"os"
	"path"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Errors of a followed symlink, reported through WalkOptions.OnError.
var (
	// ErrNoReferent reports a symlink the walk was to follow that points
	// at nothing (rsync's "symlink has no referent"), or at a chain of
	// symlinks too long to resolve.
	ErrNoReferent = errors.New("symlink has no referent")
	// ErrLinkLoop reports a symlink to a directory on its own path: following
	// it would never end. The link is skipped.
	ErrLinkLoop = errors.New("symlink loop: it points at a directory above it")
	// ErrLinkOutside reports a symlink the walk was to follow whose
	// referent lies outside FollowLinks.Confine (a daemon module).
	ErrLinkOutside = errors.New("symlink points outside the module: not followed")
)

// FollowLinks says which symlinks a walk follows, sending what they point
// at under the link's name (rsync's -L, --copy-unsafe-links and -k). The
// zero value follows none.
type FollowLinks struct {
	All    bool // every symlink (-L)
	Unsafe bool // those UnsafeLink reports (--copy-unsafe-links)
	Dirs   bool // those that point at a directory (-k)
	// StartOnly follows the walk's start entry only, when it is a
	// symlink the options above select (a receiver's -K walks a
	// destination symlink to a directory as that directory).
	StartOnly bool

	// Confine, when not nil, is the directory followed links must stay
	// inside (a daemon module), and ConfinePath the walk root's path in
	// it: a link is resolved through Confine, so that nothing outside is
	// ever read, and one leading out gives ErrLinkOutside. Nil lets the
	// kernel resolve links wherever they lead, as rsync does.
	Confine     *os.Root
	ConfinePath string
}

// Any reports whether some symlinks are followed.
func (f FollowLinks) Any() bool { return f.All || f.Unsafe || f.Dirs }

// UnsafeLink reports whether the symlink at entry path p with target
// target points outside the transferred tree, with rsync's rule: an
// absolute or empty target is unsafe; otherwise the target's components,
// starting at the depth of p's directory in the transfer, must never climb
// above the transfer root ("." components are ignored, ".." climbs one).
// The transfer root of "src" (sent without a trailing slash) is the
// directory holding src, so "src/l -> ../x" is safe there.
func UnsafeLink(p, target string) bool {
	if target == "" || target[0] == '/' {
		return true
	}
	depth := 0
	if p != "." {
		depth = strings.Count(p, "/")
	}
	for c := range strings.SplitSeq(target, "/") {
		switch c {
		case "", ".":
		case "..":
			if depth--; depth < 0 {
				return true
			}
		default:
			depth++
		}
	}
	return false
}

// wantFollow reports whether the symlink e is to be followed whatever it
// points at (all), or only if it points at a directory (dirs).
func (w *Walker) wantFollow(e *Entry) (all, dirs bool) {
	f := &w.opts.Follow
	all = f.All || (f.Unsafe && UnsafeLink(e.Path, e.LinkTarget))
	return all, !all && f.Dirs
}

// follow resolves the symlink e, named name in the directory dirfd whose
// path in the root is rdir, when the options say to. It returns the entry
// that stands for it under e's path (e itself when it is not followed)
// and, for a directory, an open descriptor of it to descend into (else
// -1). A link to be followed whatever it points at that cannot be resolved
// is an error; one followed only if it points at a directory stays a link.
func (w *Walker) follow(dirfd int, rdir, name string, e *Entry) (*Entry, int, error) {
	all, dirs := w.wantFollow(e)
	if !all && !dirs {
		return e, -1, nil
	}
	st, err := w.statLink(dirfd, rdir, name, e)
	if err != nil {
		if dirs {
			return e, -1, nil
		}
		return nil, -1, err
	}
	if dirs && st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return e, -1, nil
	}
	fd := -1
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		if fd, err = w.openLink(dirfd, rdir, name, unix.O_RDONLY|unix.O_DIRECTORY); err != nil {
			return nil, -1, &os.PathError{Op: "open", Path: e.Path, Err: err}
		}
		if err := ignoringEINTR(func() error { return unix.Fstat(fd, &st) }); err != nil {
			unix.Close(fd)
			return nil, -1, &os.PathError{Op: "fstat", Path: e.Path, Err: err}
		}
	}
	f, err := entryFromStat(e.Path, &st)
	if err != nil {
		if fd >= 0 {
			unix.Close(fd)
		}
		return nil, -1, err
	}
	return f, fd, nil
}

// onPath reports whether the directory e is one of the directories open on
// the walk's path, or above its start: descending into it would loop.
func (w *Walker) onPath(e *Entry) bool {
	for _, f := range w.w.stack {
		if f.dev == e.Dev && f.ino == e.Ino {
			return true
		}
	}
	for _, id := range w.w.above {
		if id.dev == e.Dev && id.ino == e.Ino {
			return true
		}
	}
	return false
}

// noteAbove records the directories of the root above start (the root
// and start's parents), for onPath: a walk of one subtree (a pass path, or
// a top-level directory walked on its own) must not follow a link back
// into them either.
func (w *Walker) noteAbove(start string) {
	if !w.opts.Follow.Any() || start == "." {
		return
	}
	dir := "."
	for {
		if fi, err := w.root.Stat(dir); err == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				w.w.above = append(w.w.above, dirID{dev: st.Dev, ino: st.Ino})
			}
		}
		i := len(dir) + 1
		if dir == "." {
			i = 0
		}
		j := strings.IndexByte(start[i:], '/')
		if j < 0 {
			return
		}
		dir = start[:i+j]
	}
}

// statLink stats what the symlink e, named name in dirfd, points at.
func (w *Walker) statLink(dirfd int, rdir, name string, e *Entry) (unix.Stat_t, error) {
	var st unix.Stat_t
	if c := w.opts.Follow.Confine; c != nil {
		if strings.HasPrefix(e.LinkTarget, "/") {
			return st, fmt.Errorf("%w (-> %s)", ErrLinkOutside, e.LinkTarget)
		}
		fi, err := c.Stat(w.confined(rdir, name))
		if err != nil {
			return st, linkError(e, err)
		}
		sys, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return st, &os.PathError{Op: "stat", Path: e.Path, Err: errors.ErrUnsupported}
		}
		return fromSyscallStat(sys), nil
	}
	err := ignoringEINTR(func() error { return unix.Fstatat(dirfd, name, &st, 0) })
	if err != nil {
		return st, linkError(e, err)
	}
	return st, nil
}

// openLink opens what the symlink name in dirfd points at with flags
// (close-on-exec added).
func (w *Walker) openLink(dirfd int, rdir, name string, flags int) (int, error) {
	if c := w.opts.Follow.Confine; c != nil {
		f, err := c.OpenFile(w.confined(rdir, name), flags, 0)
		if err != nil {
			return -1, err
		}
		defer f.Close()
		return dupFile(f)
	}
	var fd int
	err := ignoringEINTR(func() error {
		var err error
		fd, err = unix.Openat(dirfd, name, flags|unix.O_CLOEXEC, 0)
		return err
	})
	return fd, err
}

// confined is the path in FollowLinks.Confine of name in rdir. It may
// name symlinks on the way: Confine resolves them, and the ".." of their
// targets, without ever leaving its directory.
func (w *Walker) confined(rdir, name string) string {
	return path.Join(w.opts.Follow.ConfinePath, rdir, name)
}

// linkError classifies the failure to resolve the symlink e. The
// message names the target; the walk's OnError gets the path.
func linkError(e *Entry, err error) error {
	var errno syscall.Errno
	switch {
	case errors.Is(err, unix.ENOENT), errors.Is(err, unix.ENOTDIR):
		return fmt.Errorf("%w (-> %s)", ErrNoReferent, e.LinkTarget)
	case !errors.As(err, &errno):
		// os.Root's refusal to leave its directory (it has no sentinel).
		return fmt.Errorf("%w (-> %s)", ErrLinkOutside, e.LinkTarget)
	}
	return &os.PathError{Op: "stat", Path: e.Path, Err: err}
}

// fromSyscallStat copies the fields entryFromStat reads.
func fromSyscallStat(s *syscall.Stat_t) unix.Stat_t {
	return unix.Stat_t{
		Dev: s.Dev, Ino: s.Ino, Nlink: s.Nlink, Mode: s.Mode, Uid: s.Uid, Gid: s.Gid,
		Rdev: s.Rdev, Size: s.Size, Mtim: unix.Timespec(s.Mtim), Ctim: unix.Timespec(s.Ctim),
	}
}
