package daemon

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"
)

// DialOptions configure a client connection to a daemon.
type DialOptions struct {
	TLS bool // use TLS (ferrys:// addresses)
	// ServerName is checked against the certificate; default: the host
	// part of the address.
	ServerName string
	CAFile     string // PEM roots to verify the daemon with, instead of the system's
	// Fingerprint pins the daemon's certificate by SHA-256 ("sha256:HEX");
	// when set, it replaces chain verification.
	Fingerprint string
	// Timeout bounds the connect and the daemon phase (0: 30s). It does
	// not apply to the session after Open.
	Timeout  time.Duration
	Software string // sent in HELLO; default "ferry"
}

// Client is a connection to a daemon in its daemon phase: after Dial it
// has the greeting; then List or Open, once.
type Client struct {
	conn     net.Conn
	greeting greeting
	deadline time.Time
}

// Dial connects to addr ("host:port"), exchanges HELLO and GREETING, and
// returns the client. A refusal from the daemon is a *RemoteError.
func Dial(ctx context.Context, addr string, o DialOptions) (*Client, error) {
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultHandshakeTimeout
	}
	deadline := time.Now().Add(timeout)
	d := net.Dialer{Deadline: deadline}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("connect to daemon %s: %w", addr, err)
	}
	if o.TLS {
		name := o.ServerName
		if name == "" {
			name, _, _ = net.SplitHostPort(addr)
		}
		cf, err := clientTLSConfig(name, o.CAFile, o.Fingerprint)
		if err != nil {
			conn.Close()
			return nil, err
		}
		tc := tls.Client(conn, cf)
		tc.SetDeadline(deadline)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("TLS handshake with %s: %w", addr, err)
		}
		conn = tc
	}
	c, err := NewClient(ctx, conn, o.Software, deadline)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("daemon %s: %w", addr, err)
	}
	return c, nil
}

// NewClient runs HELLO and GREETING on an established connection (plain,
// TLS, or a pipe in tests), with the daemon phase bounded by deadline.
func NewClient(ctx context.Context, conn net.Conn, software string, deadline time.Time) (*Client, error) {
	if software == "" {
		software = "ferry"
	}
	c := &Client{conn: conn, deadline: deadline}
	stop := c.guard(ctx)
	defer stop()
	if err := writeFrame(conn, msgHello, hello{Version: ProtocolVersion, Software: software}.marshal()); err != nil {
		return nil, err
	}
	f, err := c.read(msgGreeting)
	if err != nil {
		return nil, err
	}
	if err := c.greeting.unmarshal(f.payload); err != nil {
		return nil, err
	}
	if c.greeting.Version < 1 || c.greeting.Version > ProtocolVersion {
		return nil, fmt.Errorf("%w: daemon chose %d", ErrVersion, c.greeting.Version)
	}
	return c, nil
}

// guard applies the deadline and closes the connection if ctx ends; the
// returned func undoes both.
func (c *Client) guard(ctx context.Context) func() {
	c.conn.SetDeadline(c.deadline)
	stop := context.AfterFunc(ctx, func() { c.conn.Close() })
	return func() {
		stop()
		c.conn.SetDeadline(time.Time{})
	}
}

// Motd returns the daemon's message of the day.
func (c *Client) Motd() string { return c.greeting.Motd }

// ServerName returns the name the daemon authenticates as.
func (c *Client) ServerName() string { return c.greeting.Name }

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// read reads a frame of type want, turning ERROR into a *RemoteError.
func (c *Client) read(want msgType) (frame, error) {
	f, err := readFrame(c.conn, MaxFramePayload)
	if err != nil {
		return f, err
	}
	return c.check(f, want)
}

// List asks for the module listing and closes the connection.
func (c *Client) List(ctx context.Context) ([]ModuleInfo, error) { return c.list(ctx, 0) }

// list sends LIST with hops (version 2 on; a gateway asking its backends
// sends 1, which they answer from their configuration alone).
func (c *Client) list(ctx context.Context, hops uint8) ([]ModuleInfo, error) {
	defer c.conn.Close()
	stop := c.guard(ctx)
	defer stop()
	var p []byte
	if hops > 0 && c.greeting.Version >= capsVersion {
		p = []byte{hops}
	}
	if err := writeFrame(c.conn, msgList, p); err != nil {
		return nil, err
	}
	f, err := c.read(msgModules)
	if err != nil {
		return nil, err
	}
	var ml moduleList
	if err := ml.unmarshal(f.payload); err != nil {
		return nil, err
	}
	return ml.Modules, nil
}

// OpenOptions say which module to open and how.
type OpenOptions struct {
	Module string
	Role   Role // what the daemon does: RoleSender to pull, RoleReceiver to push
	// Hops is the number of daemons this request already went through;
	// 0 for a direct client (reserved for proxying and redirects).
	Hops     uint8
	User     string // for auth modules
	Password string // never sent: used to answer the challenge
	// Watch says the module is opened for ferry watch (CapWatch): a
	// module with watch = false refuses it.
	Watch bool
}

// ErrNoCredentials reports an auth module opened without user or password.
var ErrNoCredentials = errors.New("ferry: the module needs a user name and password (FERRY_PASSWORD or --password-file)")

// Open asks for a module, authenticates if the daemon challenges, and
// returns the connection ready for the sync session, with the module's
// flags. On failure the connection is closed.
func (c *Client) Open(ctx context.Context, o OpenOptions) (net.Conn, uint8, error) {
	conn, flags, err := c.open(ctx, o)
	if err != nil {
		c.conn.Close()
		return nil, 0, err
	}
	return conn, flags, nil
}

func (c *Client) open(ctx context.Context, o OpenOptions) (net.Conn, uint8, error) {
	stop := c.guard(ctx)
	defer stop()
	req := openRequest{Module: o.Module, Role: o.Role, Hops: o.Hops, Version: c.greeting.Version, Caps: []string{CapRedirect}}
	if o.Watch {
		req.Caps = append(req.Caps, CapWatch)
	}
	if err := writeFrame(c.conn, msgOpen, req.marshal()); err != nil {
		return nil, 0, err
	}
	f, err := readFrame(c.conn, MaxFramePayload)
	if err != nil {
		return nil, 0, err
	}
	// Answer each CHALLENGE: a gateway module with users of its own
	// challenges first, its backend then (docs/DAEMON.md 10.1).
	for n := 0; f.typ == msgChallenge; n++ {
		if n == maxChallenges {
			return nil, 0, fmt.Errorf("%w: more than %d challenges", ErrProtocol, maxChallenges)
		}
		var ch challenge
		if err := ch.unmarshal(f.payload); err != nil {
			return nil, 0, err
		}
		if o.User == "" || o.Password == "" {
			return nil, 0, fmt.Errorf("module %s: %w", o.Module, ErrNoCredentials)
		}
		mac, err := ClientMAC(ch.Nonce, c.greeting.Name, o.Module, o.User, o.Password)
		if err != nil {
			return nil, 0, err
		}
		if err := writeFrame(c.conn, msgAuth, authResponse{User: o.User, MAC: mac}.marshal()); err != nil {
			return nil, 0, err
		}
		if f, err = readFrame(c.conn, MaxFramePayload); err != nil {
			return nil, 0, err
		}
	}
	if f.typ == msgRedirect {
		return nil, 0, redirectError(f.payload, o.Module)
	}
	if f, err = c.check(f, msgReady); err != nil {
		return nil, 0, err
	}
	var r ready
	if err := r.unmarshal(f.payload); err != nil {
		return nil, 0, err
	}
	return c.conn, r.Flags, nil
}

// check is read's type check for a frame already read.
func (c *Client) check(f frame, want msgType) (frame, error) {
	if f.typ == msgError {
		var em errorMsg
		if err := em.unmarshal(f.payload); err != nil {
			return f, err
		}
		return f, &RemoteError{Code: em.Code, Message: em.Message}
	}
	if f.typ != want {
		return f, fmt.Errorf("%w: got %s, want %s", ErrProtocol, f.typ, want)
	}
	return f, nil
}
