package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"
)

// Proxy modules (docs/DAEMON.md, "Gateways"). After its own checks (host
// rules, the module's connection limit), the gateway connects to a
// backend, tells it the client's address (FORWARD, when the backend can
// read it), opens the backend's module with one more hop, and relays the
// backend's answer: a CHALLENGE goes to the client and the client's AUTH
// back, byte for byte, so authentication runs between client and backend
// and the gateway never holds a secret. After READY it copies bytes both
// ways without decoding them (splice(2) between two TCP sockets on Linux).

// relayedRefusal is a backend's ERROR or REDIRECT, already passed on to
// the client: logged, not answered again.
type relayedRefusal struct {
	backend string
	what    string
}

func (r *relayedRefusal) Error() string {
	return fmt.Sprintf("backend %s: %s", r.backend, r.what)
}

// proxy serves OPEN of a proxy module.
func (c *serverConn) proxy(ctx context.Context, m *Module, req openRequest, log *slog.Logger) error {
	if int(req.Hops)+1 > MaxHops {
		return refuse(CodeLoop, "module %q: too many hops (%d): a proxy or redirect loop?", m.Name, req.Hops)
	}
	switch {
	case req.Role == RoleReceiver && m.ReadOnly != nil && *m.ReadOnly:
		return refuse(CodeModuleMode, "module %q is read only", m.Name)
	case req.Role == RoleSender && m.WriteOnly:
		return refuse(CodeModuleMode, "module %q is write only", m.Name)
	}
	// The gateway's own users, if it has any, before any backend is
	// contacted; the backend may challenge again.
	if _, err := c.authenticate(ctx, m, log); err != nil {
		return err
	}
	deadline := time.Now().Add(time.Duration(c.cfg.HandshakeTimeout))
	bc, b, err := c.s.dialBackends(ctx, m, deadline, c.proxyHeaderFor(m))
	var re *RemoteError
	switch {
	case errors.As(err, &re):
		// A backend refused (over its limits, say): its reason, which
		// the client may act on (try again later).
		return &refusal{code: re.Code, msg: fmt.Sprintf("module %q: %s", m.Name, re.Message), err: err, limited: re.Code == CodeTooMany}
	case err != nil:
		return &refusal{code: CodeUnavailable, msg: fmt.Sprintf("module %q is unavailable: no backend answered", m.Name), err: err}
	}
	defer bc.conn.Close()
	stop := context.AfterFunc(ctx, func() { bc.conn.Close() })
	defer stop()
	log = log.With("backend", b.URL)
	bc.conn.SetDeadline(deadline)
	if err := c.openBackend(bc, m, b, req); err != nil {
		return err
	}
	for {
		f, err := readFrame(bc.conn, MaxFramePayload)
		if err != nil {
			return &refusal{code: CodeUnavailable, msg: fmt.Sprintf("module %q: backend failed", m.Name), err: err}
		}
		switch f.typ {
		case msgChallenge:
			if err := writeFrame(c.conn, f.typ, f.payload); err != nil {
				return err
			}
			a, err := c.readMsg(msgAuth)
			if err != nil {
				return err
			}
			if err := writeFrame(bc.conn, a.typ, a.payload); err != nil {
				return &refusal{code: CodeUnavailable, msg: fmt.Sprintf("module %q: backend failed", m.Name), err: err}
			}
			continue
		case msgReady:
			if err := writeFrame(c.conn, f.typ, f.payload); err != nil {
				return err
			}
			c.relaySession(ctx, bc.conn, m, b, log)
			return nil
		case msgError, msgRedirect:
			what := f.typ.String()
			if f.typ == msgError {
				var em errorMsg
				if em.unmarshal(f.payload) == nil {
					what = fmt.Sprintf("ERROR %d %q", em.Code, em.Message)
				}
			}
			if writeFrame(c.conn, f.typ, f.payload) == nil {
				c.drain()
			}
			return &relayedRefusal{backend: b.URL, what: what}
		default:
			return &refusal{code: CodeUnavailable, msg: fmt.Sprintf("module %q: backend failed", m.Name),
				err: fmt.Errorf("%w: backend sent %s", ErrProtocol, f.typ)}
		}
	}
}

// openBackend sends FORWARD (when the backend reads it) and OPEN for the
// backend's module, one hop further, with the client's capabilities.
func (c *serverConn) openBackend(bc *Client, m *Module, b backend, req openRequest) error {
	fail := func(err error) error {
		return &refusal{code: CodeUnavailable, msg: fmt.Sprintf("module %q: backend failed", m.Name), err: err}
	}
	if bc.greeting.Version >= capsVersion && hasCap(bc.greeting.Caps, CapForward) && c.client().IsValid() {
		fm := forwardMsg{Client: c.client().String(), Via: c.cfg.Name, ViaModule: m.Name}
		if c.fwd != nil {
			// Behind another gateway: pass on what it said, names
			// included, since the client answered for those.
			fm = *c.fwd
		}
		if err := writeFrame(bc.conn, msgForward, fm.marshal()); err != nil {
			return fail(err)
		}
	}
	open := openRequest{Module: b.Target.Module, Role: req.Role, Hops: req.Hops + 1, Version: bc.greeting.Version, Caps: req.Caps}
	if err := writeFrame(bc.conn, msgOpen, open.marshal()); err != nil {
		return fail(err)
	}
	return nil
}

// drain half-closes the client connection and reads what it already sent
// for a moment, so that closing does not reset the connection before the
// client has read the last message.
func (c *serverConn) drain() {
	c.conn.SetDeadline(time.Now().Add(2 * time.Second))
	if cw, ok := c.conn.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	io.CopyN(io.Discard, c.conn, 64<<10)
}

// relaySession copies bytes between the client and the backend until both
// directions end, and logs the session.
func (c *serverConn) relaySession(ctx context.Context, backend net.Conn, m *Module, b backend, log *slog.Logger) {
	c.conn.SetDeadline(time.Time{})
	backend.SetDeadline(time.Time{})
	start := time.Now()
	in, out, err := relay(c.conn, backend)
	args := []any{"bytes_in", in, "bytes_out", out, "duration", time.Since(start).Round(time.Millisecond).String()}
	if err != nil && ctx.Err() == nil {
		args = append(args, "err", err.Error())
	}
	log.Info("proxy", args...)
	c.s.metrics.session(m.Name, b.URL, in, out)
}

// relay copies a to b and b to a until both directions end. When one
// direction ends cleanly its destination is half-closed (the peer sees
// EOF); when one fails, both connections are closed, ending the other.
// It returns the bytes copied each way and the first error.
func relay(a, b net.Conn) (aToB, bToA int64, err error) {
	type result struct {
		n   int64
		err error
		ab  bool
	}
	done := make(chan result, 2)
	cp := func(dst, src net.Conn, ab bool) {
		n, err := io.Copy(dst, src)
		if err == nil {
			if cw, ok := dst.(interface{ CloseWrite() error }); ok {
				cw.CloseWrite()
			}
		} else {
			a.Close()
			b.Close()
		}
		done <- result{n, err, ab}
	}
	go cp(b, a, true)
	go cp(a, b, false)
	for range 2 {
		r := <-done
		if r.ab {
			aToB = r.n
		} else {
			bToA = r.n
		}
		if err == nil && r.err != nil && !errors.Is(r.err, net.ErrClosed) {
			err = r.err
		}
	}
	return aToB, bToA, err
}
