package fsys

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// A temp file left by a killed process (a crash leaves at most that) is
// garbage: the next run that lists its directory removes it, with or
// without --delete, once it is sure no live process is writing it. Two
// facts decide, and both must hold:
//
//   - Its ctime is before the run's start. The ctime, unlike the mtime,
//     cannot be set (Commit sets the mtime to the source's, maybe years
//     ago, just before the rename): every write, chmod, futimens or rename
//     of the file moves it to the present, so a file that a live process
//     is filling or committing has a recent one. This alone would still
//     take the file of a live writer stalled since before the run.
//   - For a regular file, no process holds a lock on it. CreateTemp locks
//     every temp file it makes (flock, LOCK_EX) until it is closed; the
//     kernel drops the lock when the process dies, SIGKILL included. Only
//     a writer that has closed the file for its rename, or one between its
//     open and its flock, holds none: both are instants, and a file in
//     either is younger than the run unless that instant straddled its
//     start.
//
// Symlinks, hard links and special files under temp names exist only
// between their creation and their rename, so the ctime rule decides
// alone. Partial data (the partial directory) is never touched: it is kept
// on purpose, for a resume.

// lockTemp takes the lock that marks fd as the temp file of a live
// process (best effort: a filesystem without flock leaves the ctime rule).
func lockTemp(fd int) {
	_ = unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB)
}

// RemoveStaleTemp removes name, a temp file (IsTempName) of a process that
// is gone, when its ctime is before start and, for a regular file, no
// process holds its lock. It reports whether it removed it. A directory,
// a name that is not a temp name and a file this process may not open are
// left alone.
func (r *Root) RemoveStaleTemp(name string, start time.Time) (bool, error) {
	if err := checkName(name, false); err != nil {
		return false, fmt.Errorf("remove %s: %w", name, err)
	}
	p, err := r.openParent(name)
	if err != nil {
		return false, fmt.Errorf("remove %s: %w", name, err)
	}
	defer p.close()
	if !IsTempName(p.base) {
		return false, nil
	}
	var st unix.Stat_t
	if err := unix.Fstatat(p.fd, p.base, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return false, quietErr(name, err)
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR || !time.Unix(st.Ctim.Unix()).Before(start) {
		return false, nil
	}
	if st.Mode&unix.S_IFMT == unix.S_IFREG {
		fd, err := unix.Openat(p.fd, p.base, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != nil {
			return false, quietErr(name, err)
		}
		defer unix.Close(fd)
		switch err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB); {
		case err == nil:
		case errors.Is(err, unix.ENOLCK), errors.Is(err, unix.EOPNOTSUPP), errors.Is(err, unix.EINVAL):
			// A filesystem without flock: the ctime rule alone.
		default:
			return false, nil // EWOULDBLOCK: a live writer; anything else: not sure
		}
		var now unix.Stat_t
		if err := unix.Fstat(fd, &now); err != nil || now.Ino != st.Ino || now.Dev != st.Dev {
			return false, nil // replaced meanwhile: not the file judged
		}
	}
	if err := unix.Unlinkat(p.fd, p.base, 0); err != nil {
		return false, quietErr(name, err)
	}
	return true, nil
}

// quietErr is nil for a name that no longer exists (its writer renamed
// it) or that this process may not touch (not its to clean), and otherwise
// err about name.
func quietErr(name string, err error) error {
	if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) {
		return nil
	}
	return fmt.Errorf("remove stale temp %s: %w", name, err)
}
