package session

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/ferrysync/ferry/internal/link"
	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/wire"
)

// role is the sender or the receiver of one session.
type engine interface {
	// Handle processes a role message; it runs on the reader goroutine
	// and must never wait for the writer.
	Handle(m wire.Message) error
	// Pass runs one pass to its end (the PassDone exchange included) and
	// returns the combined stats of both sides.
	Pass(ctx context.Context, pb *wire.PassBegin) (Stats, error)
	// Close releases the role's resources.
	Close()
}

// readLoop reads messages until the connection ends, routing control
// messages to ctl and the rest to r.
// On a server, fl receives the client's FollowEnd; on a client (fl nil)
// the server's FollowEnd goes to ctl.
func readLoop(p *role.Peer, c *link.Link, r engine, fl *follower) {
	defer close(p.ReaderDone)
	for {
		m, err := c.Read()
		if err != nil && peerFault(err) {
			// The peer sent something this side refuses: tell it why.
			p.Link.Abort(fmt.Errorf("%w: read: %w", ErrProtocol, err))
			return
		}
		if errors.Is(err, io.EOF) {
			// Say what a bare EOF means: the peer (or a gateway relaying
			// it) went away mid-session.
			err = fmt.Errorf("the connection closed in the middle of the session (the peer, or a gateway between us, went away): %w", err)
		}
		if err != nil {
			p.Link.Fail(fmt.Errorf("read: %w", err))
			return
		}
		switch m := m.(type) {
		case *wire.FollowEnd:
			if fl != nil {
				fl.end()
				continue
			}
			select {
			case p.Ctl <- m:
			default:
				p.Link.Abort(fmt.Errorf("%w: too many control messages", ErrProtocol))
				return
			}
		case *wire.PassBegin, *wire.PassDone, *wire.Goodbye, *wire.Follow:
			select {
			case p.Ctl <- m:
			default:
				p.Link.Abort(fmt.Errorf("%w: too many control messages", ErrProtocol))
				return
			}
		case *wire.PassCancel:
			if !c.Caps.PassCancel {
				p.Link.Abort(fmt.Errorf("%w: pass-cancel without the capability", ErrProtocol))
				return
			}
			p.CancelPass(m.Pass)
		case *wire.Rename, *wire.RenameFailed:
			if !c.Caps.Rename {
				p.Link.Abort(fmt.Errorf("%w: %T without the rename capability", ErrProtocol, m))
				return
			}
			if err := r.Handle(m); err != nil {
				p.Link.Abort(err)
				return
			}
		case *wire.Totals: // progress hook (internal/role/totals.go)
			p.GotTotals(m)
		case *wire.Fatal:
			p.Link.Fail(role.FatalError(m))
			return
		case *wire.Hello, *wire.Run:
			p.Link.Abort(fmt.Errorf("%w: unexpected %T", ErrProtocol, m))
			return
		default:
			if err := r.Handle(m); err != nil {
				p.Link.Abort(err)
				return
			}
		}
	}
}

// peerFault reports whether a read error is the peer's doing (a frame or
// message this side refuses), not the connection's: the session then ends
// with a Fatal the peer receives.
func peerFault(err error) bool {
	for _, e := range []error{wire.ErrMalformed, wire.ErrFrameTooLarge, wire.ErrUnknownType, wire.ErrDecompress} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
