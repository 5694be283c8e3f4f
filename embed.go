package ferry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ferrysync/ferry/internal/session"
	"github.com/ferrysync/ferry/internal/transport"
	"github.com/ferrysync/ferry/internal/wire"
)

// OpenConn runs a session over conn, a connection the caller made to a
// ferry server (an ssh channel, a socket, a pipe), whose far side runs
// Serve or "ferry --server". With push, the local sources srcs go to dst,
// a path on the server; without, the server's sources srcs come to dst, a
// local path. Paths on the server are resolved as the server says (inside
// its ServeOptions.Root). Close ends the session and closes conn; so does
// a failed OpenConn.
func OpenConn(ctx context.Context, conn io.ReadWriteCloser, push bool, srcs []string, dst string, opts Options) (*Session, error) {
	if len(srcs) == 0 {
		conn.Close()
		return nil, fmt.Errorf("%w: no source", ErrBadOperand)
	}
	req, ec, err := newRequest(opts)
	if err != nil {
		conn.Close()
		return nil, err
	}
	if push {
		req.Role = wire.RoleSender
		req.Local = srcs
		req.Remote = []string{remotePath(dst)}
	} else {
		req.Role = wire.RoleReceiver
		req.Local = []string{dst}
		for _, s := range srcs {
			req.Remote = append(req.Remote, remotePath(s))
		}
	}
	cl, err := session.Dial(ctx, transport.RateLimit(conn, opts.BWLimit, true, nil), req)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return &Session{cl: cl, opts: opts, stats: ec}, nil
}

// ServeOptions configure Serve.
type ServeOptions struct {
	// Root, if set, confines the session to that directory: every path the
	// client names is resolved inside it (os.Root rules: no "..", no
	// symlink leads out), absolute paths included. Empty: the client's
	// paths are this process's own, as for "ferry --server".
	Root string
	// ReadOnly refuses a client that pushes (sends files to this side).
	ReadOnly bool
	// Timeout drops a client silent this long (0: never); the client is
	// told, and keeps an idle session alive with keepalives.
	Timeout time.Duration
}

// ErrReadOnly is the refusal of a push to a ReadOnly Serve.
var ErrReadOnly = errors.New("ferry: this server is read-only")

// Serve answers one session on conn, as the far side of OpenConn (or of a
// "ferry" command whose remote shell reaches it): handshake, the client's
// run request, passes until the client says goodbye. It closes conn. This
// is how a program embeds a ferry module of its own, over the connections
// it accepts.
func Serve(ctx context.Context, conn io.ReadWriteCloser, opts ServeOptions) error {
	so := session.ServeOptions{Config: session.Config{Timeout: opts.Timeout}}
	if opts.Root != "" {
		root, err := os.OpenRoot(opts.Root)
		if err != nil {
			conn.Close()
			return fmt.Errorf("%w: %w", ErrDestination, err)
		}
		defer root.Close()
		so.Root = root
	}
	so.Check = func(run *wire.Run) error {
		if opts.ReadOnly && run.Role == wire.RoleReceiver {
			return ErrReadOnly
		}
		return nil
	}
	return session.Serve(ctx, conn, so)
}
