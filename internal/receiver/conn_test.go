package receiver

import (
	"io"
	"sync"

	"github.com/ferrysync/ferry/internal/link"
	"github.com/ferrysync/ferry/internal/wire"
)

// testConn is a role.Conn for unit tests: it records what is sent, and
// is down once done is closed.
type testConn struct {
	caps link.Caps
	once sync.Once
	done chan struct{}
	sent []wire.Message
}

func (c *testConn) Send(m wire.Message) error {
	c.sent = append(c.sent, m)
	return nil
}

func (c *testConn) Done() <-chan struct{} {
	c.once.Do(func() {
		if c.done == nil {
			c.done = make(chan struct{})
		}
	})
	return c.done
}

func (c *testConn) Err() error { return io.ErrClosedPipe }

func (c *testConn) Down() error {
	select {
	case <-c.Done():
		return c.Err()
	default:
		return nil
	}
}

func (c *testConn) Fail(error)                     {}
func (c *testConn) Abort(error)                    {}
func (c *testConn) Negotiated() link.Caps          { return c.caps }
func (c *testConn) Counts() (sent, received int64) { return 0, 0 }
func (c *testConn) ShareData()                     {}
