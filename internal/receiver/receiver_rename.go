package receiver

import (
	"errors"
	"fmt"
	"path"

	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
)

// MaxRenames bounds the Rename messages queued for one pass; a sender
// with more sends the rest as pass paths.
const MaxRenames = 1 << 16

// errRenameSkipped is the reason a rename was not done when the one it
// depends on was not.
var errRenameSkipped = errors.New("an earlier rename of this path was not done")

// queueRename runs on the reader goroutine: it validates a Rename and
// keeps it for the PassBegin that follows it (applyRenames).
func (r *Engine) queueRename(m *wire.Rename) error {
	for _, p := range []string{m.Old, m.New} {
		if err := tree.ValidPath(p); err != nil {
			return fmt.Errorf("%w: rename path %q: %w", role.ErrProtocol, p, err)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.renames) >= MaxRenames {
		return fmt.Errorf("%w: more than %d renames in one pass", role.ErrProtocol, MaxRenames)
	}
	r.renames = append(r.renames, queuedRename{Rename: *m})
	return nil
}

// queuedRename is a rename waiting for its pass; local: asked for by
// this side (QueueRenames), not by the peer.
type queuedRename struct {
	wire.Rename
	local bool
}

// QueueRenames queues renames for pass, which this side (a client that
// receives) is about to begin: the receiver does them first, as if the
// sender had sent them. Those it cannot do are kept for
// TakeFailedRenames.
func (r *Engine) QueueRenames(pass uint64, rs []role.Rename) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rn := range rs {
		r.renames = append(r.renames, queuedRename{local: true, Rename: wire.Rename{Pass: pass, Old: rn.Old, New: rn.New, Dir: rn.Dir,
			OldParentMTime: rn.OldParentMTime, NewParentMTime: rn.NewParentMTime}})
	}
}

// TakeFailedRenames returns the renames of QueueRenames not done since
// the last call; all is always false (every failure is kept).
func (r *Engine) TakeFailedRenames() (failed []role.Rename, all bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	failed, r.renamesFailed = r.renamesFailed, nil
	return failed, false
}

// applyRenames does the renames sent for pass, in order, before anything
// else of the pass; each one it cannot do is answered with RenameFailed
// (the sender's side then sends both names in a pass). Once a rename
// fails, a later one from under its names, or from above them, is not
// done either: what it would move is not what the source moved.
func (r *Engine) applyRenames(pass uint64) error {
	r.mu.Lock()
	rs := r.renames
	r.renames = nil
	r.mu.Unlock()
	var failed []string // names of failed renames
	for i := range rs {
		m := &rs[i].Rename
		if m.Pass != pass {
			return fmt.Errorf("%w: rename for pass %d before pass %d", role.ErrProtocol, m.Pass, pass)
		}
		err := r.rename(m, failed)
		if err == nil {
			continue
		}
		failed = append(failed, m.Old, m.New)
		if rs[i].local {
			r.mu.Lock()
			r.renamesFailed = append(r.renamesFailed, role.Rename{Old: m.Old, New: m.New, Dir: m.Dir})
			r.mu.Unlock()
			r.report(role.Event{Kind: role.EventNotice, Path: m.New, Err: fmt.Errorf("%w: %s to %s: %w", ErrRenameFailed, m.Old, m.New, err)})
			continue
		}
		if err := r.Link.Send(&wire.RenameFailed{Pass: pass, Old: m.Old, New: m.New, Message: err.Error()}); err != nil {
			return err
		}
	}
	return nil
}

// rename moves m.Old to m.New inside the destination when both are what
// the source says, then sets their parents' times.
func (r *Engine) rename(m *wire.Rename, failed []string) error {
	switch {
	case r.root == nil || r.fileMode != "":
		return errors.New("no destination directory open")
	case r.Cfg.DryRun || r.Cfg.WriteOnly || r.bak != nil || r.destFilter != nil:
		return errors.New("this run's options ask for a transfer")
	case m.Old == m.New || tree.Contains(m.Old, m.New) || tree.Contains(m.New, m.Old):
		return fmt.Errorf("cannot rename %s to %s", m.Old, m.New)
	}
	for _, f := range failed {
		if tree.Contains(f, m.Old) || tree.Contains(m.Old, f) {
			return errRenameSkipped
		}
	}
	ofi, err := r.root.Lstat(m.Old)
	if err != nil {
		return err
	}
	if ofi.IsDir() != m.Dir {
		return fmt.Errorf("%s: %w", m.Old, errTypeDiffers)
	}
	if nfi, err := r.root.Lstat(m.New); err == nil && nfi.IsDir() != ofi.IsDir() {
		return fmt.Errorf("%s: %w", m.New, errTypeDiffers)
	}
	if err := r.root.Rename(m.Old, m.New); err != nil {
		return err
	}
	r.touchParent(m.Old, m.OldParentMTime)
	r.touchParent(m.New, m.NewParentMTime)
	return nil
}

// ErrRenameFailed is the notice of a rename the receiver could not do:
// its names are then compared as changed paths.
var ErrRenameFailed = errors.New("rename not replicated, sent as a change")

// errTypeDiffers: a rename's name holds another type of entry than the
// source moved.
var errTypeDiffers = errors.New("not the type of entry the source renamed")

// touchParent gives p's parent directory the source's time mtime (0:
// unknown). A failure is no failure of the rename: the next pass over the
// directory sets it.
func (r *Engine) touchParent(p string, mtime int64) {
	if mtime == 0 || !r.Cfg.Times || r.omitDirTimes() {
		return
	}
	dir := path.Dir(p)
	r.root.SetMeta(dir, fsys.Meta{MTime: mtime}, fsys.Preserve{Times: true})
}
