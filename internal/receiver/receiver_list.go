package receiver

import (
	"fmt"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
)

// list is the merge of a client that only lists the source (--list-only,
// or a source without a destination): each entry is reported as an
// EventListed, in stream order, and nothing is compared, requested,
// written or deleted; no destination is opened.
func (m *merger) list(it item, pb *wire.PassBegin) error {
	r := m.r
	for it.end == nil {
		if r.order != nil {
			r.order.waitRoom()
		}
		if err := m.credit(); err != nil {
			return err
		}
		switch {
		case it.err != nil:
			r.Emit(role.Event{Kind: role.EventError, Path: it.err.Path, Err: r.FromWireError(it.err)})
		case it.e != nil:
			s := role.FromWireEntry(it.e)
			if err := tree.ValidPath(s.Path); err != nil {
				return fmt.Errorf("%w: %w", role.ErrProtocol, err)
			}
			if r.Client {
				r.Cfg.Tweak(s)
			}
			r.countEntry(s)
			r.report(role.Event{Kind: role.EventListed, Path: s.Path, Size: s.Size, LinkTarget: s.LinkTarget, Entry: s})
		}
		var err error
		if it, err = m.next(); err != nil {
			return err
		}
	}
	if it.end.Pass != pb.Pass {
		return fmt.Errorf("%w: entries end of pass %d in pass %d", role.ErrProtocol, it.end.Pass, pb.Pass)
	}
	if m.owed > 0 {
		return r.Link.Send(&wire.Credit{N: uint64(m.owed)})
	}
	return nil
}
