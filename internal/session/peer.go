package session

import (
	"context"
	"fmt"
	"sync"

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

// peer is what both roles share: the connection, the options and the
// event sink.
type peer struct {
	c      *conn
	cfg    Config
	client bool // this side is the client: it reports events
	events bool // server side: forward itemized events to the client

	// evMu serializes onEvent.
	evMu    sync.Mutex
	onEvent func(Event)

	ctl        chan wire.Message // PassBegin, PassDone and Goodbye from the reader
	opBase     base              // correctness hook: where run operands resolve (base.go)
	readerDone chan struct{}     // closed when readLoop returns
}

func newPeer(c *conn, cfg Config, client bool, onEvent func(Event)) *peer {
	return &peer{c: c, cfg: cfg, client: client, onEvent: onEvent, ctl: make(chan wire.Message, 4),
		readerDone: make(chan struct{})}
}

// emit delivers a locally produced event to the user (client side).
func (p *peer) emit(ev Event) {
	if p.onEvent == nil {
		return
	}
	p.evMu.Lock()
	defer p.evMu.Unlock()
	p.onEvent(ev)
}

// readLoop reads messages until the connection ends, routing control
// messages to ctl and the rest to r.
func (p *peer) readLoop(r role) {
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

// awaitCtl waits for the next control message.
func (p *peer) awaitCtl(ctx context.Context) (wire.Message, error) {
	select {
	case m := <-p.ctl:
		return m, nil
	case <-p.c.done:
		// A message queued before the connection ended (the peer's
		// Goodbye, then its close) still counts: select picks at random.
		select { // correctness hook
		case m := <-p.ctl:
			return m, nil
		default:
		}
		return nil, p.c.Err()
	case <-ctx.Done():
		p.c.fail(ctx.Err())
		return nil, ctx.Err()
	}
}

// awaitPassDone waits for the peer's PassDone of pass n.
func (p *peer) awaitPassDone(ctx context.Context, n uint64) (Stats, error) {
	m, err := p.awaitCtl(ctx)
	if err != nil {
		return Stats{}, err
	}
	pd, ok := m.(*wire.PassDone)
	if !ok || pd.Pass != n {
		return Stats{}, fmt.Errorf("%w: expected pass-done %d, got %T", ErrProtocol, n, m)
	}
	return pd.Stats, nil
}

// ioStats returns this side's connection byte counts.
func (p *peer) ioStats() Stats {
	return Stats{BytesSent: uint64(p.c.sent.Load()), BytesReceived: uint64(p.c.recv.Load())}
}

// fatalError is the error of the peer's Fatal.
func fatalError(m *wire.Fatal) error {
	switch {
	case m.Code == wire.FatalNotDir:
		return fmt.Errorf("%w: %w", ErrRemote, &notDirError{msg: m.Message})
	case m.Code == wire.FatalUsage:
		return fmt.Errorf("%w: %w", ErrRemote, &usageError{msg: m.Message})
	}
	return fmt.Errorf("%w: %s", ErrRemote, m.Message)
}
