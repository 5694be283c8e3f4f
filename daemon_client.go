package ferry

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/ferrysync/ferry/internal/daemon"
	"github.com/ferrysync/ferry/internal/transport"
)

// ErrDaemon reports that a daemon refused to open a module (unknown module,
// access denied, failed authentication, too many connections).
var ErrDaemon = errors.New("ferry: daemon refused the request")

// ErrConnectTimeout reports a daemon that did not accept the connection
// within Options.ConnectTimeout (--contimeout).
var ErrConnectTimeout = errors.New("ferry: timeout waiting for the daemon connection")

// ModuleInfo describes one module a daemon lists.
type ModuleInfo struct {
	Name     string
	Comment  string
	Auth     bool // the module asks for a user and password
	ReadOnly bool // clients may only pull
	WriteTo  bool // write only: clients may only push
}

// ListModules asks the daemon named by target (ferry://host[:port]/,
// ferrys://host/ or host::) for its listable modules and its message of the
// day.
func ListModules(ctx context.Context, target string, opts Options) ([]ModuleInfo, string, error) {
	op, err := ParseOperand(target)
	if err != nil {
		return nil, "", err
	}
	if op.Kind != Daemon {
		return nil, "", fmt.Errorf("%w: %s is not a daemon address", ErrBadOperand, target)
	}
	op = defaultPort(op, opts)
	c, err := daemon.Dial(ctx, daemonAddr(op), daemonDialOptions(op, opts))
	if err != nil {
		return nil, "", daemonRefusal(op, opts, err)
	}
	defer c.Close()
	mods, err := c.List(ctx)
	if err != nil {
		return nil, c.Motd(), fmt.Errorf("list modules of %s: %w", daemonAddr(op), err)
	}
	out := make([]ModuleInfo, len(mods))
	for i, m := range mods {
		out[i] = ModuleInfo{
			Name:     m.Name,
			Comment:  m.Comment,
			Auth:     m.Flags&daemon.FlagAuth != 0,
			ReadOnly: m.Flags&daemon.FlagReadOnly != 0,
			WriteTo:  m.Flags&daemon.FlagWriteOnly != 0,
		}
	}
	return out, c.Motd(), nil
}

// dialDaemon opens op's module on a ferry daemon and returns the
// connection, ready for the sync session. serverSends says the daemon is the
// sender (a pull).
func dialDaemon(ctx context.Context, op Operand, opts Options, serverSends bool) (transport.Conn, error) {
	if op.Module == "" {
		return nil, fmt.Errorf("%w: %s names no module", ErrBadOperand, op)
	}
	op = defaultPort(op, opts)
	role := daemon.RoleReceiver
	if serverSends {
		role = daemon.RoleSender
	}
	oo := daemon.OpenOptions{Role: role, User: op.User, Watch: opts.watching}
	if op.User != "" {
		pw, err := daemon.Password(opts.PasswordFile)
		if err != nil && !errors.Is(err, daemon.ErrNoPassword) {
			return nil, err
		}
		oo.Password = pw
	}
	conn, flags, err := openModule(ctx, op, opts, oo)
	if err == nil && serverSends && opts.PreferSwarm && flags&daemon.FlagSwarm != 0 {
		conn.Close() // before the session: the daemon logs a client that left
		return nil, fmt.Errorf("%w: %s", ErrSwarmOffered, moduleURL(op))
	}
	return conn, err
}

func daemonAddr(op Operand) string {
	t := daemon.Target{Host: op.Host, Port: op.Port, TLS: op.TLS}
	switch {
	case t.Port != 0:
	case t.TLS:
		t.Port = daemon.DefaultTLSPort
	default:
		t.Port = daemon.DefaultPort
	}
	return t.Addr()
}

func daemonDialOptions(op Operand, opts Options) daemon.DialOptions {
	timeout := opts.Timeout
	if opts.ConnectTimeout > 0 {
		timeout = opts.ConnectTimeout
	}
	return daemon.DialOptions{
		TLS:         op.TLS,
		CAFile:      opts.TLSCAFile,
		Fingerprint: opts.TLSFingerprint,
		Timeout:     timeout,
	}
}

// defaultPort gives op the port of Options.Port (--port) when its address
// names none.
func defaultPort(op Operand, opts Options) Operand {
	if !op.PortSet && opts.Port > 0 {
		op.Port = opts.Port
	}
	return op
}

// daemonRefusal marks an error the daemon itself sent while greeting (too
// many connections, no common version) as ErrDaemon; network errors stay as
// they are.
func daemonRefusal(op Operand, opts Options, err error) error {
	var re *daemon.RemoteError
	if errors.As(err, &re) {
		return fmt.Errorf("%w: %s: %w", ErrDaemon, daemonAddr(op), err)
	}
	var ne net.Error
	if opts.ConnectTimeout > 0 && (errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded)) {
		return fmt.Errorf("%w: %s: %w", ErrConnectTimeout, daemonAddr(op), err)
	}
	return err
}
