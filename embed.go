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
	// Follow, if not nil, runs while the client follows (Session.Follow):
	// it calls pass, with the paths to pass (relative to the transfer
	// root; none: the whole tree), whenever it wants the client to get a
	// change, until ctx is done (the client stopped following). pass
	// returns when both sides have run that pass.
	Follow func(ctx context.Context, pass func(paths []string) (Stats, error)) error
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
	if opts.Follow != nil {
		so.Follow = func(ctx context.Context, pass func([]string) (session.Stats, error)) error {
			return opts.Follow(ctx, func(paths []string) (Stats, error) {
				start := time.Now()
				ws, err := pass(paths)
				return serverStats(ws, time.Since(start)), err
			})
		}
	}
	return session.Serve(ctx, conn, so)
}

// serverStats are a pass's stats as the server sees them.
func serverStats(ws session.Stats, elapsed time.Duration) Stats {
	return Stats{
		Files: int64(ws.Files), RegularFiles: int64(ws.RegularFiles), Dirs: int64(ws.Dirs),
		FilesTransferred: int64(ws.FilesTransferred), Created: int64(ws.Created), Deleted: int64(ws.Deleted),
		Errors: int64(ws.Errors), TotalSize: int64(ws.TotalSize), LiteralBytes: int64(ws.LiteralBytes),
		MatchedBytes: int64(ws.MatchedBytes), BytesSent: int64(ws.BytesSent), BytesReceived: int64(ws.BytesReceived),
		DeletesSkipped: int64(ws.DeletesSkipped), Elapsed: elapsed,
	}
}
