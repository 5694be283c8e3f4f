package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"time"
)

// ServeConn runs the daemon phase on one accepted connection and then the
// session, and closes conn. Exported so that other listeners (an inetd-style
// stdin socket, tests over net.Pipe) can use it.
func (s *Server) ServeConn(ctx context.Context, conn net.Conn) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer conn.Close()

	c := &serverConn{s: s, conn: conn, remote: remoteAddr(conn), cfg: s.config()}
	c.log = s.log.With("remote", conn.RemoteAddr().String())
	conn.SetDeadline(time.Now().Add(time.Duration(c.cfg.HandshakeTimeout)))
	if err := c.run(ctx); err != nil {
		var r *refusal
		switch {
		case errors.As(err, &r) && r.limited:
			if n := s.limitLog.allow(s.now()); n >= 0 {
				c.log.Info("refused", "err", err, "limit_refusals_not_logged", n)
			}
		case r != nil:
			c.log.Info("refused", "err", err)
		case errors.As(err, new(*relayedRefusal)):
			c.log.Info("refused by the backend", "err", err)
		default:
			c.log.Info("connection failed", "err", err)
		}
	}
}

// serverConn is the server side of one connection's daemon phase.
type serverConn struct {
	s      *Server
	conn   net.Conn
	remote netip.Addr // invalid for non-IP connections
	log    *slog.Logger
	// cfg is the configuration this connection is served by (a reload
	// does not change it under a connection).
	cfg *Config
	// version is the daemon-phase version chosen in GREETING.
	version uint16
	// fwd is what a trusted gateway said in FORWARD; nil without one.
	fwd *forwardMsg
	// proxied is the client address a trusted gateway's PROXY header
	// carried (proxyproto_conn.go); invalid without one.
	proxied netip.AddrPort
}

// refusal is an error the client is told about in an ERROR message.
type refusal struct {
	code ErrorCode
	msg  string
	err  error // logged cause, may be nil
	// limited marks a refusal by a limit a flood of clients meets
	// (logged at most once a second).
	limited bool
}

func (r *refusal) Error() string {
	if r.err != nil {
		return fmt.Sprintf("%s: %v", r.msg, r.err)
	}
	return r.msg
}

func (r *refusal) Unwrap() error { return r.err }

func refuse(code ErrorCode, format string, args ...any) *refusal {
	return &refusal{code: code, msg: fmt.Sprintf(format, args...)}
}

// run performs the daemon phase; a refusal is sent to the client before it
// returns.
func (c *serverConn) run(ctx context.Context) error {
	err := c.phase(ctx)
	if err == nil {
		return nil
	}
	var rr *relayedRefusal
	if errors.As(err, &rr) {
		return err // the client has the backend's answer
	}
	var r *refusal
	if !errors.As(err, &r) {
		var ne net.Error
		switch {
		case errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed):
			return err // the client went away; nobody to tell
		case errors.As(err, &ne) && ne.Timeout():
			r = &refusal{code: CodeTimeout, msg: "timeout in the daemon phase", err: err}
		case errors.Is(err, ErrProtocol) || errors.Is(err, ErrFrameTooLarge) || errors.Is(err, io.ErrUnexpectedEOF):
			r = &refusal{code: CodeProtocol, msg: "malformed request", err: err}
		default:
			r = &refusal{code: CodeInternal, msg: "internal error", err: err}
		}
	}
	c.s.metrics.refused(r.code)
	c.sendError(r.code, r.msg)
	return err
}

// sendError writes an ERROR message, then half-closes and drains what the
// client already sent for a moment, so that closing does not reset the
// connection before the client has read the error.
func (c *serverConn) sendError(code ErrorCode, msg string) {
	c.sendErrorWithin(code, msg, 2*time.Second)
}

// sendErrorWithin is sendError taking at most d.
func (c *serverConn) sendErrorWithin(code ErrorCode, msg string, d time.Duration) {
	c.conn.SetDeadline(time.Now().Add(d))
	if writeFrame(c.conn, msgError, errorMsg{Code: code, Message: msg}.marshal()) != nil {
		return
	}
	if cw, ok := c.conn.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	io.CopyN(io.Discard, c.conn, 64<<10)
}

// readMsg reads one frame and checks its type.
func (c *serverConn) readMsg(want ...msgType) (frame, error) {
	f, err := readFrame(c.conn, MaxFramePayload/16)
	if err != nil {
		return f, err
	}
	for _, t := range want {
		if f.typ == t {
			return f, nil
		}
	}
	return f, fmt.Errorf("%w: unexpected %s", ErrProtocol, f.typ)
}

// phase is the daemon phase proper: hello, then LIST or OPEN.
func (c *serverConn) phase(ctx context.Context) error {
	f, err := c.readHello()
	if err != nil {
		return err
	}
	var h hello
	if err := h.unmarshal(f.payload); err != nil {
		return err
	}
	if h.Version < 1 {
		return &refusal{code: CodeVersion, msg: fmt.Sprintf("client speaks version %d, this daemon version %d", h.Version, ProtocolVersion), err: ErrVersion}
	}
	c.version = min(h.Version, ProtocolVersion)
	g := greeting{Version: c.version, Name: c.cfg.Name, Motd: c.cfg.Motd, Caps: []string{CapForward, CapQuery}}
	if err := writeFrame(c.conn, msgGreeting, g.marshal()); err != nil {
		return err
	}
	if f, err = c.readMsg(msgList, msgOpen, msgForward, msgQuery); err != nil {
		return err
	}
	if f.typ == msgQuery {
		return c.query(ctx, f)
	}
	if f.typ == msgForward {
		if f, err = c.forwarded(f); err != nil {
			return err
		}
	}
	if f.typ == msgList {
		hops, err := listHops(f.payload, c.version)
		if err != nil {
			return err
		}
		return c.list(ctx, hops)
	}
	req := openRequest{Version: c.version}
	if err := req.unmarshal(f.payload); err != nil {
		return err
	}
	return c.open(ctx, req)
}

// list answers LIST with the modules that are listed and that the client's
// address may use; nothing but names, comments and flags.
func (c *serverConn) list(ctx context.Context, hops uint8) error {
	var ml moduleList
	for _, name := range sortedNames(c.cfg.Modules) {
		m := c.cfg.Modules[name]
		if m.IsListed() && m.access.allowed(c.client()) {
			ml.Modules = append(ml.Modules, ModuleInfo{Name: m.Name, Comment: m.Comment, Flags: m.listFlags()})
		}
	}
	if hops == 0 {
		c.listProxied(ctx, &ml)
		c.listDiscovered(&ml)
	}
	c.log.Info("module list", "modules", len(ml.Modules))
	return writeFrame(c.conn, msgModules, ml.marshal())
}

// remoteAddr returns the IP address of conn's peer, if it has one.
func remoteAddr(conn net.Conn) netip.Addr {
	ra := conn.RemoteAddr()
	if ta, ok := ra.(*net.TCPAddr); ok {
		return ta.AddrPort().Addr().Unmap()
	}
	if ra != nil {
		if ap, err := netip.ParseAddrPort(ra.String()); err == nil {
			return ap.Addr().Unmap()
		}
	}
	return netip.Addr{}
}

// openRoot opens the module directory.
func openRoot(m *Module) (*os.Root, error) {
	r, err := os.OpenRoot(m.Path)
	if err != nil {
		return nil, fmt.Errorf("module %s: %w", m.Name, err)
	}
	return r, nil
}
