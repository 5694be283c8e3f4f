package session

import (
	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
)

// sourceDone tells the sender that s is in place, with RemoveSource.
func (r *receiver) sourceDone(s *tree.Entry) {
	if !r.cfg.RemoveSource || r.cfg.DryRun || s.Type == tree.TypeDir {
		return
	}
	r.c.send(&wire.SourceDone{Path: s.Path, Size: s.Size, MTime: s.MTime})
}
