package session

import (
	"fmt"

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
			r.emit(Event{Kind: EventError, Path: it.err.Path, Err: r.fromWireError(it.err)})
		case it.e != nil:
			s := fromWireEntry(it.e)
			if err := tree.ValidPath(s.Path); err != nil {
				return fmt.Errorf("%w: %w", ErrProtocol, err)
			}
			if r.client {
				r.cfg.tweak(s)
			}
			r.countEntry(s)
			r.report(Event{Kind: EventListed, Path: s.Path, Size: s.Size, LinkTarget: s.LinkTarget, Entry: s})
		}
		var err error
		if it, err = m.next(); err != nil {
			return err
		}
	}
	if it.end.Pass != pb.Pass {
		return fmt.Errorf("%w: entries end of pass %d in pass %d", ErrProtocol, it.end.Pass, pb.Pass)
	}
	if m.owed > 0 {
		return r.c.send(&wire.Credit{N: uint64(m.owed)})
	}
	return nil
}
