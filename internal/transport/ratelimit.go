package transport

import (
	"sync"
	"time"
)

// Clock is the time source of a Limiter, injected so that pacing is
// tested without sleeping.
type Clock interface {
	Now() time.Time
	Sleep(d time.Duration)
}

// SystemClock is the real clock.
var SystemClock Clock = systemClock{}

type systemClock struct{}

func (systemClock) Now() time.Time        { return time.Now() }
func (systemClock) Sleep(d time.Duration) { time.Sleep(d) }

// minBurst is the smallest burst a Limiter allows, whatever the rate.
const minBurst = 512

// Limiter is a token bucket: it lets Rate bytes per second through, in
// bursts of at most Burst bytes (an eighth of a second's worth, as rsync
// paces its writes). It is safe for concurrent use.
type Limiter struct {
	// config
	rate  float64 // bytes per second
	burst int
	clock Clock

	// mu guards the fields that follow.
	mu     sync.Mutex
	tokens float64 // may go negative: a debt paid by sleeping
	last   time.Time
}

// NewLimiter returns a Limiter of rate bytes per second (> 0) on clock
// (nil: SystemClock). The bucket starts full.
func NewLimiter(rate int64, clock Clock) *Limiter {
	if clock == nil {
		clock = SystemClock
	}
	burst := int(max(rate/8, minBurst))
	return &Limiter{rate: float64(rate), burst: burst, clock: clock, tokens: float64(burst), last: clock.Now()}
}

// Burst returns the most bytes a Limiter lets through at once.
func (l *Limiter) Burst() int { return l.burst }

// Take accounts for n bytes (at most Burst) and sleeps until the bucket
// has paid for them.
func (l *Limiter) Take(n int) {
	l.mu.Lock()
	now := l.clock.Now()
	if el := now.Sub(l.last); el > 0 {
		l.tokens = min(float64(l.burst), l.tokens+el.Seconds()*l.rate)
	}
	l.last = now
	l.tokens -= float64(n)
	var wait time.Duration
	if l.tokens < 0 {
		wait = time.Duration(-l.tokens / l.rate * float64(time.Second))
	}
	l.mu.Unlock()
	if wait > 0 {
		l.clock.Sleep(wait)
	}
}

// RateLimit returns c with its writes limited to rate bytes per second
// (rsync's --bwlimit). With reads true, reads are limited as well, each
// direction on its own bucket: a receiving side then paces the peer
// through the transport's flow control, without the peer knowing the
// limit. A rate of 0 or less returns c unchanged.
func RateLimit(c Conn, rate int64, reads bool, clock Clock) Conn {
	if rate <= 0 {
		return c
	}
	lc := &limitedConn{Conn: c, w: NewLimiter(rate, clock)}
	if reads {
		lc.r = NewLimiter(rate, clock)
	}
	return lc
}

type limitedConn struct {
	Conn
	w, r *Limiter // r is nil when reads are not limited
}

// Write writes p in pieces of at most the burst, each paid for first.
func (c *limitedConn) Write(p []byte) (int, error) {
	total := 0
	for len(p) > 0 {
		k := min(len(p), c.w.Burst())
		c.w.Take(k)
		n, err := c.Conn.Write(p[:k])
		total += n
		if err != nil {
			return total, err
		}
		p = p[k:]
	}
	return total, nil
}

// Read reads at most a burst, then pays for what it got.
func (c *limitedConn) Read(p []byte) (int, error) {
	if c.r == nil {
		return c.Conn.Read(p)
	}
	if len(p) > c.r.Burst() {
		p = p[:c.r.Burst()]
	}
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.r.Take(n)
	}
	return n, err
}

// Kill passes an immediate end through to a Conn that has one (a
// command), and closes any other.
func (c *limitedConn) Kill() error {
	if k, ok := c.Conn.(interface{ Kill() error }); ok {
		return k.Kill()
	}
	return c.Conn.Close()
}
