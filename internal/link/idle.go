package link

import (
	"time"

	"github.com/ferrysync/ferry/internal/wire"
)

// defaultKeepalive is how often an idle link sends a Keepalive when
// neither side has a timeout: often enough for middleboxes that drop
// silent TCP connections.
const defaultKeepalive = 20 * time.Second

// SendIdle tells the peer this side's idle timeout, if it has one (an
// Idle message, optional: older peers skip it). Both sides call it once,
// right after the handshake.
func (c *Link) SendIdle() error {
	if c.timeout <= 0 {
		return nil
	}
	return c.Send(&wire.Idle{Timeout: uint64(c.timeout.Milliseconds())})
}

// gotIdle records the peer's idle timeout and wakes the writer, whose
// keepalives must now come often enough for it.
func (c *Link) gotIdle(m *wire.Idle) {
	d := time.Duration(min(m.Timeout, uint64(1<<62)/uint64(time.Millisecond))) * time.Millisecond
	c.peerIdle.Store(int64(d))
	c.kick()
}

// keepaliveEvery is how long the writer lets the link idle before it sends
// a Keepalive: a third of the smaller of the two sides' timeouts, so that
// neither drops the other for silence.
func (c *Link) keepaliveEvery() time.Duration {
	t := c.timeout
	if p := time.Duration(c.peerIdle.Load()); p > 0 && (t <= 0 || p < t) {
		t = p
	}
	if t <= 0 {
		return defaultKeepalive
	}
	return max(t/3, time.Millisecond)
}
