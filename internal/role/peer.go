package role

import (
	"context"
	"fmt"
	"sync"

	"github.com/ferrysync/ferry/internal/wire"
)

// Peer is what both roles share: the connection, the options and the
// event sink.
type Peer struct {
	Link   Conn
	Cfg    Config
	Client bool // this side is the client: it reports events
	Events bool // server side: forward itemized events to the client

	// evMu serializes onEvent.
	evMu    sync.Mutex
	OnEvent func(Event)

	Ctl        chan wire.Message // PassBegin, PassDone and Goodbye from the reader
	OpBase     Base              // correctness hook: where run operands resolve (base.go)
	ReaderDone chan struct{}     // closed when readLoop returns

	passCancel passCancel // the running pass's cancel (cancel.go)

	// ioMu guards the link's counts at the end of the previous pass.
	ioMu           sync.Mutex
	ioSent, ioRecv int64
}

// NewPeer returns the Peer of one session side: c, the options, whether
// this side is the client, and where its events go.
func NewPeer(c Conn, cfg Config, client bool, onEvent func(Event)) *Peer {
	return &Peer{Link: c, Cfg: cfg, Client: client, OnEvent: onEvent, Ctl: make(chan wire.Message, 4),
		ReaderDone: make(chan struct{})}
}

// Emit delivers a locally produced event to the user (client side).
func (p *Peer) Emit(ev Event) {
	if p.OnEvent == nil {
		return
	}
	p.evMu.Lock()
	defer p.evMu.Unlock()
	p.OnEvent(ev)
}

// AwaitCtl waits for the next control message.
func (p *Peer) AwaitCtl(ctx context.Context) (wire.Message, error) {
	select {
	case m := <-p.Ctl:
		return m, nil
	case <-p.Link.Done():
		// A message queued before the connection ended (the peer's
		// Goodbye, then its close) still counts: select picks at random.
		select { // correctness hook
		case m := <-p.Ctl:
			return m, nil
		default:
		}
		return nil, p.Link.Err()
	case <-ctx.Done():
		p.Link.Fail(ctx.Err())
		return nil, ctx.Err()
	}
}

// AwaitPassDone waits for the peer's PassDone of pass n.
func (p *Peer) AwaitPassDone(ctx context.Context, n uint64) (Stats, error) {
	m, err := p.AwaitCtl(ctx)
	if err != nil {
		return Stats{}, err
	}
	pd, ok := m.(*wire.PassDone)
	if !ok || pd.Pass != n {
		return Stats{}, fmt.Errorf("%w: expected pass-done %d, got %T", ErrProtocol, n, m)
	}
	return pd.Stats, nil
}

// IOStats returns this side's connection byte counts since the previous
// call: a pass's own, when each pass calls it once as it ends (the first
// pass's include the handshake).
func (p *Peer) IOStats() Stats {
	sent, recv := p.Link.Counts()
	p.ioMu.Lock()
	defer p.ioMu.Unlock()
	st := Stats{BytesSent: uint64(sent - p.ioSent), BytesReceived: uint64(recv - p.ioRecv)}
	p.ioSent, p.ioRecv = sent, recv
	return st
}

// FatalError is the error of the peer's Fatal.
func FatalError(m *wire.Fatal) error {
	switch m.Code {
	case wire.FatalNotDir:
		return fmt.Errorf("%w: %w", ErrRemote, &NotDirError{Msg: m.Message})
	case wire.FatalUsage:
		return fmt.Errorf("%w: %w", ErrRemote, &UsageError{Msg: m.Message})
	case wire.FatalTimeout:
		return fmt.Errorf("%w: %w", ErrRemote, &remoteTimeout{msg: m.Message})
	}
	return fmt.Errorf("%w: %s", ErrRemote, m.Message)
}

// remoteTimeout is the peer's Fatal for its timeout: an ErrTimeout.
type remoteTimeout struct{ msg string }

func (e *remoteTimeout) Error() string        { return e.msg }
func (e *remoteTimeout) Is(target error) bool { return target == ErrTimeout }
