package daemon

import (
	"context"
	"errors"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// A gateway keeps one spare connection to each plain-TCP backend it used
// lately, connected and greeted (HELLO and GREETING exchanged): the next
// client of that backend skips the connect and a round trip. The spare
// is made after a backend was used and closed when no client took it
// within poolIdle; a backend reached over TLS or with proxy_protocol (whose
// header must name the client, unknown in advance) gets none.

// poolIdle is how long a spare backend connection waits for a client.
const poolIdle = 3 * time.Second

// backendPool holds the spare backend connections, one per backend
// address and source address.
type backendPool struct {
	mu      sync.Mutex
	idle    map[string]*spareConn
	dialing map[string]bool
	closed  bool
	// made, if set, is called after a spare connection is stored (tests).
	made func()
}

// spareConn is a greeted backend connection waiting for a client.
type spareConn struct {
	c     *Client
	timer *time.Timer // closes c after poolIdle
}

// take returns the spare connection for key if there is one that is
// still open and has nothing unread, else nil.
func (p *backendPool) take(key string) *Client {
	p.mu.Lock()
	sc := p.idle[key]
	delete(p.idle, key)
	p.mu.Unlock()
	if sc == nil || !sc.timer.Stop() {
		return nil // none, or its timer is closing it
	}
	if !quiet(sc.c) {
		sc.c.Close()
		return nil
	}
	return sc.c
}

// quiet reports whether c's connection is open with nothing to read: a
// backend that closed it, or sent an ERROR (its handshake timeout, say),
// makes it unusable.
func quiet(c *Client) bool {
	sc, ok := c.conn.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	ok = false
	var buf [1]byte
	err = rc.Read(func(fd uintptr) bool {
		_, _, rerr := unix.Recvfrom(int(fd), buf[:], unix.MSG_PEEK|unix.MSG_DONTWAIT)
		ok = errors.Is(rerr, unix.EAGAIN)
		return true
	})
	return err == nil && ok
}

// refill makes a spare connection for key with dial, in the background,
// unless there is one or one is being made.
func (p *backendPool) refill(key string, dial func(ctx context.Context, deadline time.Time) (*Client, error), timeout time.Duration) {
	p.mu.Lock()
	if p.closed || p.idle[key] != nil || p.dialing[key] {
		p.mu.Unlock()
		return
	}
	if p.dialing == nil {
		p.dialing = make(map[string]bool)
		p.idle = make(map[string]*spareConn)
	}
	p.dialing[key] = true
	p.mu.Unlock()
	go func() {
		c, err := dial(context.Background(), time.Now().Add(timeout))
		p.mu.Lock()
		defer p.mu.Unlock()
		delete(p.dialing, key)
		if err != nil {
			return
		}
		if p.closed || p.idle[key] != nil {
			c.Close()
			return
		}
		c.conn.SetDeadline(time.Time{})
		sc := &spareConn{c: c}
		sc.timer = time.AfterFunc(poolIdle, func() {
			p.mu.Lock()
			if p.idle[key] == sc {
				delete(p.idle, key)
			}
			p.mu.Unlock()
			c.Close()
		})
		p.idle[key] = sc
		if p.made != nil {
			p.made()
		}
	}()
}

// close closes the spare connections and makes no more.
func (p *backendPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for k, sc := range p.idle {
		if sc.timer.Stop() {
			sc.c.Close()
		}
		delete(p.idle, k)
	}
}
