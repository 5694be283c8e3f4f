// Package linktest is test support: a role.Conn double that records what
// an engine sends, for unit tests of internal/role, sender and receiver.
package linktest

import (
	"io"
	"sync"

	"github.com/ferrysync/ferry/internal/link"
	"github.com/ferrysync/ferry/internal/wire"
)

// Conn is a role.Conn for unit tests: it records what is sent, and is
// down once Closed is closed (a nil Closed is made on first use).
type Conn struct {
	Caps   link.Caps     // what Negotiated returns
	Closed chan struct{} // closed: the link is down

	once sync.Once
	mu   sync.Mutex
	sent []wire.Message
}

// Send records m.
func (c *Conn) Send(m wire.Message) error {
	c.mu.Lock()
	c.sent = append(c.sent, m)
	c.mu.Unlock()
	return nil
}

// Sent returns the messages sent so far.
func (c *Conn) Sent() []wire.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]wire.Message(nil), c.sent...)
}

// Done is Closed.
func (c *Conn) Done() <-chan struct{} {
	c.once.Do(func() {
		if c.Closed == nil {
			c.Closed = make(chan struct{})
		}
	})
	return c.Closed
}

// Err is io.ErrClosedPipe.
func (c *Conn) Err() error { return io.ErrClosedPipe }

// Down returns Err once Closed is closed.
func (c *Conn) Down() error {
	select {
	case <-c.Done():
		return c.Err()
	default:
		return nil
	}
}

// Fail does nothing.
func (c *Conn) Fail(error) {}

// Abort does nothing.
func (c *Conn) Abort(error) {}

// Negotiated returns Caps.
func (c *Conn) Negotiated() link.Caps { return c.Caps }

// Counts returns zeros.
func (c *Conn) Counts() (sent, received int64) { return 0, 0 }

// ShareData does nothing.
func (c *Conn) ShareData() {}
