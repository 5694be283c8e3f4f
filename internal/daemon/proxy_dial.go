package daemon

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sync"
	"time"
)

// healthMemory is how long a backend that failed to answer is tried after
// the others.
const healthMemory = 30 * time.Second

// backendHealth remembers which proxy backends failed lately, so that a
// backend that is down costs a client a failed dial at most once in
// healthMemory, not at every connection.
type backendHealth struct {
	mu     sync.Mutex
	failed map[string]time.Time // backend URL -> its last failure
}

// order returns bs with the backends that failed within healthMemory
// last, the longest-failed of those first; the rest keep their order.
func (h *backendHealth) order(bs []backend, now time.Time) []backend {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := slices.Clone(bs)
	since := func(b backend) time.Time {
		if t, ok := h.failed[b.URL]; ok && now.Sub(t) < healthMemory {
			return t
		}
		return time.Time{}
	}
	slices.SortStableFunc(out, func(a, b backend) int { return since(a).Compare(since(b)) })
	return out
}

// fail records a failure of the backend at url.
func (h *backendHealth) fail(url string, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.failed == nil {
		h.failed = make(map[string]time.Time)
	}
	for u, t := range h.failed {
		if now.Sub(t) >= healthMemory {
			delete(h.failed, u)
		}
	}
	h.failed[url] = now
}

// ok forgets the backend's failure.
func (h *backendHealth) ok(url string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.failed, url)
}

// ErrNoBackend reports a proxy module none of whose backends answered.
var ErrNoBackend = errors.New("ferry: no backend of the module answered")

// dialBackends connects to the first of m's backends that answers HELLO
// with GREETING, trying them in health order, and returns it with the
// backend used. A backend that cannot be reached is remembered as failed;
// one that answers with ERROR (over its limits, say) is skipped without.
func (s *Server) dialBackends(ctx context.Context, m *Module, deadline time.Time, hdr []byte) (*Client, backend, error) {
	var errs []error
	for _, b := range s.backends.order(m.backends, s.now()) {
		key, pooled := spareKey(m, b)
		if pooled {
			if c := s.pool.take(key); c != nil {
				c.deadline = deadline
				s.refillSpare(m, b, key)
				return c, b, nil
			}
		}
		c, err := s.dialBackend(ctx, m, b, deadline, hdr)
		if err == nil {
			s.backends.ok(b.URL)
			if pooled {
				s.refillSpare(m, b, key)
			}
			return c, b, nil
		}
		var re *RemoteError
		if !errors.As(err, &re) {
			s.backends.fail(b.URL, s.now())
		}
		s.log.Warn("backend failed", "module", m.Name, "backend", b.URL, "err", err)
		s.metrics.dialFailures.WithLabelValues(m.Name, b.URL).Inc()
		errs = append(errs, fmt.Errorf("%s: %w", b.URL, err))
		if ctx.Err() != nil || time.Now().After(deadline) {
			break
		}
	}
	return nil, backend{}, fmt.Errorf("%w: %w", ErrNoBackend, errors.Join(errs...))
}

// spareKey returns the key of b's spare connections for module m, and
// whether b may have one: plain TCP without proxy_protocol.
func spareKey(m *Module, b backend) (string, bool) {
	if b.Target.TLS || m.ProxyProtocol {
		return "", false
	}
	return b.Target.Addr() + " " + m.bind.String(), true
}

// refillSpare makes a spare connection to b (proxy_pool.go).
func (s *Server) refillSpare(m *Module, b backend, key string) {
	bind := m.bind
	s.pool.refill(key, func(ctx context.Context, deadline time.Time) (*Client, error) {
		return dialTarget(ctx, b.Target, "", "", bind, deadline, nil)
	}, time.Duration(s.config().HandshakeTimeout))
}

// dialBackend connects to one backend (TLS for ferrys://, checked with
// the module's tls_ca or tls_fingerprint), sends hdr first if not nil (a
// PROXY header) and exchanges HELLO and GREETING.
func (s *Server) dialBackend(ctx context.Context, m *Module, b backend, deadline time.Time, hdr []byte) (*Client, error) {
	return dialTarget(ctx, b.Target, m.TLSCA, m.TLSFingerprint, m.bind, deadline, hdr)
}

// dialTarget connects to the daemon at t (TLS checked with ca or pin for
// ferrys://, from the source address bind when valid), sends hdr first
// (a PROXY header; nil: none) and exchanges HELLO and GREETING.
func dialTarget(ctx context.Context, t Target, ca, pin string, bind netip.Addr, deadline time.Time, hdr []byte) (*Client, error) {
	d := net.Dialer{Deadline: deadline}
	if bind.IsValid() {
		d.LocalAddr = &net.TCPAddr{IP: bind.AsSlice()}
	}
	conn, err := d.DialContext(ctx, "tcp", t.Addr())
	if err != nil {
		return nil, err
	}
	if hdr != nil {
		conn.SetDeadline(deadline)
		if _, err := conn.Write(hdr); err != nil {
			conn.Close()
			return nil, fmt.Errorf("send PROXY header: %w", err)
		}
	}
	if t.TLS {
		cf, err := clientTLSConfig(t.Host, ca, pin)
		if err != nil {
			conn.Close()
			return nil, err
		}
		tc := tls.Client(conn, cf)
		tc.SetDeadline(deadline)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("TLS handshake: %w", err)
		}
		conn = tc
	}
	c, err := NewClient(ctx, conn, "ferry gateway", deadline)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return c, nil
}
