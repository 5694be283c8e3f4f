package receiver

import (
	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
)

// sourceDone tells the sender that s is in place, with RemoveSource.
func (r *Engine) sourceDone(s *tree.Entry) {
	if !r.Cfg.RemoveSource || r.Cfg.DryRun || s.Type == tree.TypeDir {
		return
	}
	r.Link.Send(&wire.SourceDone{Path: s.Path, Size: s.Size, MTime: s.MTime})
}
