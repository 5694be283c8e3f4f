package daemon

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// ErrTooSlow ends a session whose peer dribbles data slower than the
// configured min_rate.
var ErrTooSlow = errors.New("ferry: peer too slow (below min_rate)")

// idleConn drops a stuck peer: every Read and Write must make progress
// within timeout. A successful Write also extends the read deadline, so a
// side that is busy sending is not dropped for not hearing back. It counts
// the bytes in each direction for the transfer log, and drops a trickling
// peer (see rateGuard).
type idleConn struct {
	net.Conn
	timeout time.Duration // 0: no timeout
	rate    *rateGuard    // nil: no minimum rate

	read, written atomic.Int64
}

func newIdleConn(c net.Conn, timeout time.Duration, rate *rateGuard) *idleConn {
	ic := &idleConn{Conn: c, timeout: timeout, rate: rate}
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
	if n > 0 && c.rate != nil && c.rate.add(n, true) {
		return n, ErrTooSlow
	}
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
	if n > 0 && c.rate != nil {
		c.rate.add(n, false)
	}
	return n, err
}

// rateGuard tells a trickling peer from an idle one. The idle timeout
// drops a silent peer, but one byte a second would reset it forever. So
// over each window the guard counts the bytes moved both ways and the
// reads that brought data: a window in which data came in many pieces
// (minPieces or more) but fewer than minRate bytes a second moved marks
// the peer as trickling. An idle session's keepalives (one every third of
// the timeout) are too few pieces to count; a slow but honest link moves
// whole TCP segments, well above any sensible minRate.
type rateGuard struct {
	// config
	minRate   int64 // bytes a second
	window    time.Duration
	minPieces int
	now       func() time.Time

	mu     sync.Mutex // guards the fields that follow
	start  time.Time
	bytes  int64
	pieces int
}

// newRateGuard returns a guard for minRate bytes a second over window,
// or nil when minRate is 0.
func newRateGuard(minRate int, window time.Duration, now func() time.Time) *rateGuard {
	if minRate <= 0 || window <= 0 {
		return nil
	}
	return &rateGuard{minRate: int64(minRate), window: window,
		minPieces: max(int(window/(2*time.Second)), 4), now: now, start: now()}
}

// add counts n bytes (read: received) and reports whether the window just
// ended shows a trickling peer.
func (g *rateGuard) add(n int, read bool) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.bytes += int64(n)
	if read {
		g.pieces++
	}
	now := g.now()
	el := now.Sub(g.start)
	if el < g.window {
		return false
	}
	slow := g.pieces >= g.minPieces && float64(g.bytes) < float64(g.minRate)*el.Seconds()
	g.start, g.bytes, g.pieces = now, 0, 0
	return slow
}
