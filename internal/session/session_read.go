package session

import (
	"context"
	"fmt"

	"github.com/ferrysync/ferry/internal/wire"
)

// role is the sender or the receiver of one session.
type role interface {
	// handle processes a role message; it runs on the reader goroutine
	// and must never wait for the writer.
	handle(m wire.Message) error
	// pass runs one pass to its end (the PassDone exchange included) and
	// returns the combined stats of both sides.
	pass(ctx context.Context, pb *wire.PassBegin) (Stats, error)
	// close releases the role's resources.
	close()
}

// readLoop reads messages until the connection ends, routing control
// messages to ctl and the rest to r.
func readLoop(p *peer, r role) {
	defer close(p.readerDone)
	for {
		m, err := p.c.read()
		if err != nil {
			p.c.fail(fmt.Errorf("read: %w", err))
			return
		}
		switch m := m.(type) {
		case *wire.PassBegin, *wire.PassDone, *wire.Goodbye:
			select {
			case p.ctl <- m:
			default:
				p.c.abort(fmt.Errorf("%w: too many control messages", ErrProtocol))
				return
			}
		case *wire.Totals: // progress hook (totals.go)
			p.gotTotals(m)
		case *wire.Fatal:
			p.c.fail(fatalError(m))
			return
		case *wire.Hello, *wire.Run:
			p.c.abort(fmt.Errorf("%w: unexpected %T", ErrProtocol, m))
			return
		default:
			if err := r.handle(m); err != nil {
				p.c.abort(err)
				return
			}
		}
	}
}
