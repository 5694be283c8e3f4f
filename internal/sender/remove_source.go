package sender

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
	"golang.org/x/sys/unix"
)

// --remove-source-files. The receiver tells the sender of each
// non-directory entry it has in place (SourceDone): committed after its
// data, linked, created, or found up to date. Only then, and only if the
// source is still the entry that was sent (same type, size and mtime),
// does the sender unlink it; a directory is never removed.

// ErrSourceChanged is the error of a source file that --remove-source-files
// left in place because it changed after it was sent.
var ErrSourceChanged = errors.New("ferry: source changed since it was sent, not removed")

// removeSource removes the source file m names, on the reader goroutine.
// A failure is the file's error, not the run's.
func (s *Engine) removeSource(m *wire.SourceDone) error {
	if !s.Cfg.RemoveSource {
		return fmt.Errorf("%w: source-done without remove-source", role.ErrProtocol)
	}
	p := m.Path
	if err := tree.ValidPath(p); err != nil || p == "." || excluded(s.filter, p, false) {
		return fmt.Errorf("%w: source-done for %q, which was not sent", role.ErrProtocol, p)
	}
	for _, src := range s.srcs {
		if !src.covers(p) {
			continue
		}
		err := unlinkIfSame(src.root, p, m)
		if errors.Is(err, fs.ErrNotExist) {
			continue // the first source holding p sent it
		}
		if err != nil {
			fe := &role.FileError{Op: "remove source", Path: p, Code: role.ErrCode(err), Err: err}
			if s.Client {
				s.countError()
				s.Emit(role.Event{Kind: role.EventError, Path: p, Err: fe})
				return nil
			}
			// The client is the receiver: it reports and counts it. On the
			// reader goroutine: Send only queues.
			return s.Link.Send(&wire.SourceError{Path: p, Code: fe.Code, Message: fmt.Sprintf("%s: %v", fe.Op, err)})
		}
		return nil
	}
	return nil
}

// unlinkIfSame unlinks p in root if it is not a directory and still has
// the size (regular files) and mtime the receiver saw.
func unlinkIfSame(root *os.Root, p string, m *wire.SourceDone) error {
	dir, base := path.Split(p)
	d, err := root.OpenFile(path.Clean(dir), os.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		return err
	}
	defer d.Close()
	fd := int(d.Fd())
	var st unix.Stat_t
	if err := unix.Fstatat(fd, base, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return &os.PathError{Op: "lstat", Path: p, Err: err}
	}
	typ := st.Mode & unix.S_IFMT
	switch {
	case typ == unix.S_IFDIR:
		return nil // never a directory (it replaced the file since)
	case typ == unix.S_IFREG && st.Size != m.Size, st.Mtim.Nano() != m.MTime:
		return fmt.Errorf("%s: %w", p, ErrSourceChanged)
	}
	if err := unix.Unlinkat(fd, base, 0); err != nil {
		return &os.PathError{Op: "unlink", Path: p, Err: err}
	}
	return nil
}
