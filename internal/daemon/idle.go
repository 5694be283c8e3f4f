package daemon

import (
	"net"
	"sync/atomic"
	"time"
)

// idleConn drops a stuck peer: every Read and Write must make progress
// within timeout. A successful Write also extends the read deadline, so a
// side that is busy sending is not dropped for not hearing back. It counts
// the bytes in each direction for the transfer log.
type idleConn struct {
	net.Conn
	timeout time.Duration // 0: no timeout

	read, written atomic.Int64
}

func newIdleConn(c net.Conn, timeout time.Duration) *idleConn {
	ic := &idleConn{Conn: c, timeout: timeout}
	if timeout > 0 {
		c.SetDeadline(time.Now().Add(timeout))
	} else {
		c.SetDeadline(time.Time{})
	}
	return ic
}

func (c *idleConn) Read(p []byte) (int, error) {
	if c.timeout > 0 {
		c.Conn.SetReadDeadline(time.Now().Add(c.timeout))
	}
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}

func (c *idleConn) Write(p []byte) (int, error) {
	if c.timeout > 0 {
		c.Conn.SetWriteDeadline(time.Now().Add(c.timeout))
	}
	n, err := c.Conn.Write(p)
	c.written.Add(int64(n))
	if n > 0 && c.timeout > 0 {
		c.Conn.SetReadDeadline(time.Now().Add(c.timeout))
	}
	return n, err
}
