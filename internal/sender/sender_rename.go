package sender

import (
	"errors"
	"fmt"
	"path"

	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
)

// SendRenames sends the renames of pass, in order, each with the source's
// times of its parent directories (those not given are looked up); the caller sends the pass's PassBegin
// right after them. The peer must have offered the rename capability.
func (s *Engine) SendRenames(pass uint64, renames []role.Rename) error {
	for _, rn := range renames {
		m := &wire.Rename{Pass: pass, Old: rn.Old, New: rn.New, Dir: rn.Dir,
			OldParentMTime: rn.OldParentMTime, NewParentMTime: rn.NewParentMTime}
		if m.OldParentMTime == 0 {
			m.OldParentMTime = s.dirMTime(path.Dir(rn.Old))
		}
		if m.NewParentMTime == 0 {
			m.NewParentMTime = s.dirMTime(path.Dir(rn.New))
		}
		if err := s.Link.Send(m); err != nil {
			return err
		}
	}
	return nil
}

// dirMTime is the modification time of the transfer directory dir in the
// first source that has it, or 0.
func (s *Engine) dirMTime(dir string) int64 {
	for _, src := range s.srcs {
		if !src.covers(dir) {
			continue
		}
		if e, err := tree.LstatEntry(src.root, dir); err == nil && e.Type == tree.TypeDir {
			return e.MTime
		}
	}
	return 0
}

// gotRenameFailed keeps a receiver's RenameFailed for TakeFailedRenames.
func (s *Engine) gotRenameFailed(m *wire.RenameFailed) {
	if s.Client {
		s.Emit(role.Event{Kind: role.EventNotice, Path: m.New, Err: fmt.Errorf("%w: %s to %s: %s", ErrRenameFailed, m.Old, m.New, m.Message)})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.renameFailed) < maxFailedRenames {
		s.renameFailed = append(s.renameFailed, role.Rename{Old: m.Old, New: m.New})
	} else {
		s.renamesLost = true
	}
}

// ErrRenameFailed is the notice of a rename the receiver could not
// replicate as a rename: its names are then sent as changed paths.
var ErrRenameFailed = errors.New("rename not replicated, sent as a change")

// maxFailedRenames bounds the RenameFailed kept; past it, the next
// pass must be a full one (TakeFailedRenames's all).
const maxFailedRenames = 1 << 16

// TakeFailedRenames returns the renames the receiver reported it could
// not do since the last call; the caller sends their names in a pass.
// all: more failed than were kept, and only a pass over the whole tree
// is sure to catch up.
func (s *Engine) TakeFailedRenames() (failed []role.Rename, all bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	failed, all = s.renameFailed, s.renamesLost
	s.renameFailed, s.renamesLost = nil, false
	return failed, all
}
