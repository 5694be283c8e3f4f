package link

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferrysync/ferry/internal/transport"
	"github.com/ferrysync/ferry/internal/wire"
)

// conn is a framed connection with a writer goroutine. Reading is done by
// whoever calls run (the reader goroutine).
//
// Writing batches: send encodes a message straight into a pending buffer
// under wmu, and the writer goroutine swaps that buffer out and writes it
// in one call. While the writer is busy in a write, more frames gather, so
// a busy connection makes few large writes and a sender never waits for a
// goroutine handoff per message.
type Link struct {
	// config
	Conn        transport.Conn
	FrameReader *wire.FrameReader
	FrameWriter *wire.FrameWriter // the handshake only
	timeout     time.Duration

	// state
	done     chan struct{} // closed when the connection is torn down
	doneOnce sync.Once
	// mu guards err.
	mu      sync.Mutex
	failure error

	// wmu guards the fields that follow.
	wmu    sync.Mutex
	room   sync.Cond       // signalled when pending shrinks or the connection dies
	pend   []byte          // encoded frames not yet handed to the writer
	acks   []chan struct{} // closed once everything queued before them is written
	closed bool            // the connection is down: send fails
	wake   chan struct{}   // capacity 1: the writer has work

	z *compression // compress hook (compress.go): nil unless negotiated; set before startWriter

	sent, recv atomic.Int64
	// Caps are the capabilities both sides offered, set by the handshake
	// before the roles start.
	Caps       Caps
	lastRecv   atomic.Int64 // unix nanoseconds of the last frame read
	peerIdle   atomic.Int64 // the peer's idle timeout in nanoseconds (its Idle message); 0: none known
	writerDone chan struct{}
}

// maxPending bounds the bytes queued for the writer; send waits beyond it.
const maxPending = 1 << 20

// NewConn returns a Link over tc that drops a peer silent for timeout
// (0: never). Call StartWriter after the handshake.
func NewConn(tc transport.Conn, timeout time.Duration) *Link {
	c := &Link{
		Conn:        tc,
		FrameReader: wire.NewFrameReader(tc),
		FrameWriter: wire.NewFrameWriter(tc),
		timeout:     timeout,
		done:        make(chan struct{}),
		wake:        make(chan struct{}, 1),
		writerDone:  make(chan struct{}),
	}
	c.room.L = &c.wmu
	return c
}

// StartWriter starts the writer goroutine. It writes whatever is pending
// in one call; when the connection has been idle for a third of the
// timeout (or 20s), it sends a Keepalive.
func (c *Link) StartWriter() {
	c.FrameWriter.Flush()
	c.sent.Store(c.FrameWriter.BytesWritten())
	go func() {
		defer close(c.writerDone)
		idle := c.keepaliveEvery()
		t := time.NewTimer(idle)
		defer t.Stop()
		var spare []byte
		for {
			select {
			case <-c.wake:
			case <-t.C:
				c.wmu.Lock()
				if len(c.pend) == 0 {
					c.pend, _ = wire.AppendFrame(c.pend, &wire.Keepalive{})
				}
				c.wmu.Unlock()
			case <-c.done:
				return
			}
			c.wmu.Lock()
			out, acks := c.pend, c.acks
			c.pend, c.acks = spare[:0], nil
			c.room.Broadcast()
			c.wmu.Unlock()
			if len(out) > 0 {
				// Count before writing: the peer may answer (and a pass end
				// read its stats) before this goroutine runs again.
				c.sent.Add(int64(len(out)))
				if _, err := c.Conn.Write(out); err != nil {
					c.Fail(fmt.Errorf("write: %w", err))
					return
				}
			}
			for _, a := range acks {
				close(a)
			}
			if cap(out) <= 4*maxPending {
				spare = out
			}
			idle = c.keepaliveEvery() // the peer's Idle may have come
			t.Reset(idle)
		}
	}()
}

// Send queues m for the writer. It blocks while too much is queued and
// fails once the connection is down.
func (c *Link) Send(m wire.Message) error {
	m = c.compress(m) // compress hook (compress_send.go)
	c.wmu.Lock()
	for len(c.pend) >= maxPending && !c.closed {
		c.room.Wait()
	}
	if c.closed {
		c.wmu.Unlock()
		return c.Err()
	}
	var err error
	c.pend, err = wire.AppendFrame(c.pend, m)
	c.wmu.Unlock()
	if err != nil {
		return err
	}
	c.kick()
	return nil
}

// kick tells the writer there is work.
func (c *Link) kick() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// Read reads the next known message, skipping unknown optional ones and
// keepalives.
func (c *Link) Read() (wire.Message, error) {
	for {
		m, err := c.FrameReader.ReadMsg()
		c.recv.Store(c.FrameReader.BytesRead())
		c.lastRecv.Store(time.Now().UnixNano())
		if err != nil {
			if errors.Is(err, wire.ErrMalformed) || errors.Is(err, wire.ErrUnknownType) || errors.Is(err, wire.ErrFrameTooLarge) {
				err = fmt.Errorf("%w: %w", ErrProtocol, err)
			}
			return nil, err
		}
		if m == nil {
			continue
		}
		if _, ok := m.(*wire.Keepalive); ok {
			continue
		}
		if m, ok := m.(*wire.Idle); ok { // the peer's idle timeout (idle.go)
			c.gotIdle(m)
			continue
		}
		if m, err = c.unwrap(m); err != nil || m == nil { // compress hook (compress.go)
			if err != nil {
				return nil, err
			}
			continue
		}
		return m, nil
	}
}

// WatchTimeout closes the connection when nothing was read for the
// timeout.
func (c *Link) WatchTimeout() {
	if c.timeout <= 0 {
		return
	}
	c.lastRecv.Store(time.Now().UnixNano())
	go func() {
		t := time.NewTicker(max(c.timeout/4, time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-c.done:
				return
			case <-t.C:
				if time.Since(time.Unix(0, c.lastRecv.Load())) > c.timeout {
					// Tell the peer why (it may be alive, only slow), but
					// wait little for a peer that may not read.
					c.abortWithin(fmt.Errorf("%w: peer silent for %v", ErrTimeout, c.timeout), time.Second)
					return
				}
			}
		}
	}()
}

// Fail records the first error and tears the connection down.
func (c *Link) Fail(err error) {
	c.mu.Lock()
	if c.failure == nil {
		c.failure = err
	}
	c.mu.Unlock()
	c.doneOnce.Do(func() {
		c.wmu.Lock()
		c.closed = true
		c.room.Broadcast()
		c.wmu.Unlock()
		close(c.done)
		if errors.Is(err, ErrTimeout) { // timeout hook (timeout.go)
			killPeer(c.Conn)
		}
		c.Conn.Close()
	})
}

// Abort tears the connection down for err after telling the peer with a
// Fatal (best effort: the Fatal goes out after what is queued, and the
// connection closes at the latest a few seconds later).
func (c *Link) Abort(err error) { c.abortWithin(err, abortFlushTimeout) }

// abortWithin is Abort with a bound d on the wait for the Fatal to go out;
// the connection is then torn down for err itself.
func (c *Link) abortWithin(err error, d time.Duration) {
	code := FatalCode(err)
	c.mu.Lock()
	first := c.failure == nil
	if first {
		c.failure = err
	}
	c.mu.Unlock()
	c.wmu.Lock()
	if !c.closed && first { // one Fatal: a second Abort only waits
		c.pend, _ = wire.AppendFrame(c.pend, &wire.Fatal{Code: code, Message: err.Error()})
	}
	c.wmu.Unlock()
	c.kick()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		c.flush(ctx)
		c.Fail(err)
	}()
}

// abortFlushTimeout bounds how long abort waits for its Fatal to go out.
const abortFlushTimeout = 5 * time.Second

// Err returns the error that tore the connection down, if any.
func (c *Link) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failure == nil {
		return io.ErrClosedPipe
	}
	return c.failure
}

// CloseAfterFlush waits until the writer has written everything queued so
// far, then tears the connection down.
func (c *Link) CloseAfterFlush(ctx context.Context) {
	c.flush(ctx)
	c.Fail(ErrClosed)
}

// flush waits until the writer has written everything queued so far, the
// link is down, or ctx is done.
func (c *Link) flush(ctx context.Context) {
	ack := make(chan struct{})
	c.wmu.Lock()
	closed := c.closed
	if !closed {
		c.acks = append(c.acks, ack)
	}
	c.wmu.Unlock()
	if !closed {
		c.kick()
		select {
		case <-ack:
		case <-c.done:
		case <-ctx.Done():
		}
	}
}

// ErrClosed is the error of a link closed on purpose (Goodbye, Close).
var ErrClosed = errors.New("session closed")

// Caps are the negotiated capabilities that change what the roles send.
type Caps struct {
	Refine     bool // both sides offered refine-v1: unmatched regions are refined
	PassCancel bool // both sides offered pass-cancel: a pass can be cancelled alone (wire.PassCancel)
	ServerPass bool // both sides offered server-pass: the server may start passes while the client follows
	Handoff    bool // both sides offered local-handoff: whole files pass as descriptors (role.Handoff)
	Notice     bool // both sides offered item-notice: Itemized kind 3 may be sent
	SumXXH3    bool // both sides offered sum-xxh3: FileEnd sums are XXH3-128
	Rename     bool // both sides offered rename: a pass may begin with Rename messages
	PassRoot   bool // both sides offered pass-root: PassBegin.Root may be set
}

// Done is closed when the link is torn down.
func (c *Link) Done() <-chan struct{} { return c.done }

// Negotiated returns the capabilities both sides offered.
func (c *Link) Negotiated() Caps { return c.Caps }

// Counts returns the bytes written to and read from the connection so far.
func (c *Link) Counts() (sent, received int64) { return c.sent.Load(), c.recv.Load() }

// ShareData lets the reader hand out Data payloads that alias its buffer:
// the caller must be done with each before it reads the next message.
func (c *Link) ShareData() { c.FrameReader.ShareData = true }
