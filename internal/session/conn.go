package session

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
type conn struct {
	// config
	tc      transport.Conn
	fr      *wire.FrameReader
	fw      *wire.FrameWriter
	timeout time.Duration

	// state
	out      chan any      // wire.Message, or chan struct{} to close after flushing
	done     chan struct{} // closed when the connection is torn down
	doneOnce sync.Once
	// mu guards err.
	mu  sync.Mutex
	err error

	sent, recv atomic.Int64
	lastRecv   atomic.Int64 // unix nanoseconds of the last frame read
	writerDone chan struct{}
}

func newConn(tc transport.Conn, timeout time.Duration) *conn {
	return &conn{
		tc:         tc,
		fr:         wire.NewFrameReader(tc),
		fw:         wire.NewFrameWriter(tc),
		timeout:    timeout,
		out:        make(chan any, 256),
		done:       make(chan struct{}),
		writerDone: make(chan struct{}),
	}
}

// startWriter starts the writer goroutine. It serializes every frame and
// flushes whenever its queue runs empty; when the connection has been
// idle for a third of the timeout (or 20s), it sends a Keepalive.
func (c *conn) startWriter() {
	go func() {
		defer close(c.writerDone)
		idle := 20 * time.Second
		if c.timeout > 0 {
			idle = max(c.timeout/3, time.Millisecond)
		}
		t := time.NewTimer(idle)
		defer t.Stop()
		for {
			var m wire.Message
			select {
			case item := <-c.out:
				if ack, ok := item.(chan struct{}); ok {
					c.fw.Flush()
					close(ack)
					continue
				}
				m = item.(wire.Message)
			case <-t.C:
				m = &wire.Keepalive{}
			case <-c.done:
				return
			}
			if err := c.fw.WriteMsg(m); err != nil {
				c.fail(fmt.Errorf("write: %w", err))
				return
			}
			if len(c.out) == 0 {
				if err := c.fw.Flush(); err != nil {
					c.fail(fmt.Errorf("write: %w", err))
					return
				}
			}
			c.sent.Store(c.fw.BytesWritten())
			t.Reset(idle)
		}
	}()
}

// send queues m for the writer. It blocks while the queue is full and
// fails once the connection is down.
func (c *conn) send(m wire.Message) error {
	select {
	case c.out <- m:
		return nil
	case <-c.done:
		return c.Err()
	}
}

// read reads the next known message, skipping unknown optional ones and
// keepalives.
func (c *conn) read() (wire.Message, error) {
	for {
		m, err := c.fr.ReadMsg()
		c.recv.Store(c.fr.BytesRead())
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
		return m, nil
	}
}

// watchTimeout closes the connection when nothing was read for the
// timeout.
func (c *conn) watchTimeout() {
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
					c.fail(fmt.Errorf("%w: peer silent for %v", ErrTimeout, c.timeout))
					return
				}
			}
		}
	}()
}

// fail records the first error and tears the connection down.
func (c *conn) fail(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.mu.Unlock()
	c.doneOnce.Do(func() {
		close(c.done)
		c.tc.Close()
	})
}

// Err returns the error that tore the connection down, if any.
func (c *conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		return io.ErrClosedPipe
	}
	return c.err
}

// closeAfterFlush waits until the writer has written everything queued so
// far, then tears the connection down.
func (c *conn) closeAfterFlush(ctx context.Context) {
	ack := make(chan struct{})
	select {
	case c.out <- ack:
		select {
		case <-ack:
		case <-c.done:
		case <-ctx.Done():
		}
	case <-c.done:
	case <-ctx.Done():
	}
	c.fail(errClosed)
}

var errClosed = errors.New("session closed")
