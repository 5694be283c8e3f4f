package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/ferrysync/ferry/internal/link"
	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/transport"
	"github.com/ferrysync/ferry/internal/wire"
)

// ServeOptions configure a server.
type ServeOptions struct {
	// Config supplies local settings (Timeout, Window, Workers); the
	// transfer options come from the client's Run.
	Config Config
	// Check, if not nil, vets the client's run request (a daemon confines
	// paths here); an error refuses the run.
	Check func(run *wire.Run) error
	// Root, if not nil, is the directory the run's paths are relative to:
	// every operand is opened through it (os.Root rules: nothing outside
	// it is reached), never looked up again by an OS path. A daemon passes
	// its module's root. Serve does not close it.
	Root *os.Root
	// Follow, if not nil, runs while the client follows (capability
	// server-pass): it starts passes of its own (follow.go).
	Follow FollowFunc
	// FollowRenames, if not nil, is used instead of Follow: its passes
	// may begin with renames.
	FollowRenames FollowRenamesFunc
}

// Serve answers one client on tc: handshake, run request, passes until
// Goodbye. It closes tc.
func Serve(ctx context.Context, tc transport.Conn, opts ServeOptions) error {
	c := link.NewConn(tc, opts.Config.Timeout)
	if _, err := handshake(c, serverCompression(opts.Config), opts.Config.Handoff, followFunc(opts) == nil); err != nil { // compress hook (internal/link/compress_send.go)
		tc.Close()
		return err
	}
	m, err := c.Read()
	if err != nil {
		tc.Close()
		return fmt.Errorf("read run request: %w", err)
	}
	run, ok := m.(*wire.Run)
	if !ok {
		tc.Close()
		return fmt.Errorf("%w: expected run request, got %T", ErrProtocol, m)
	}
	c.StartWriter()
	c.SendIdle() // keepalives often enough for both sides' timeouts (best effort: a failure shows at the next send)
	c.WatchTimeout()
	refuse := func(code uint64, err error) error {
		c.Send(&wire.Fatal{Code: code, Message: err.Error()})
		c.CloseAfterFlush(ctx)
		return &toldError{err}
	}
	if opts.Check != nil {
		if err := opts.Check(run); err != nil {
			return refuse(wire.FatalUsage, err)
		}
	}
	if extra := run.Flags &^ wire.KnownFlags; extra != 0 {
		// An option this server does not know: running without it would
		// do something else than the user asked.
		return refuse(wire.FatalUsage, fmt.Errorf("run flags %#x unknown to this server (a newer client?)", extra))
	}
	if run.Role == wire.RoleSender && len(run.Paths) > wire.MaxRunSources {
		return refuse(wire.FatalUsage, fmt.Errorf("%d source operands, more than %d", len(run.Paths), wire.MaxRunSources))
	}
	cfg := opts.Config
	cfg.FromRun(run)
	cfg.BackupDir, cfg.Suffix, cfg.BasisKind, cfg.BasisDirs = run.BackupDir, run.Suffix, run.BasisKind, run.BasisDirs
	cfg.TempDir = run.TempDir
	p := role.NewPeer(c, cfg, false, nil)
	p.Events = run.Flags&wire.FlagEvents != 0
	p.OpBase = role.Base{Root: opts.Root} // correctness hook (internal/role/base.go)
	r, err := newRole(p, run.Role, run.Paths)
	if err != nil {
		return refuse(wire.FatalIO, err)
	}
	defer r.Close()
	fl := &follower{}
	go readLoop(p, c, r, fl)
	var next uint64 // the next pass's number
	for {
		m, err := p.AwaitCtl(ctx)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		switch m := m.(type) {
		case *wire.Follow:
			if next, err = serveFollow(ctx, c, p, r, fl, followFunc(opts), next); err != nil {
				return refuse(link.FatalCode(err), err)
			}
		case *wire.PassBegin:
			next = m.Pass + 1
			pctx, stop := p.StartPass(ctx, m.Pass)
			_, err := r.Pass(pctx, m)
			cancelled := role.Cancelled(pctx, err) && ctx.Err() == nil // the client's PassCancel
			stop()
			if err != nil && !cancelled {
				return refuse(link.FatalCode(err), err)
			}
		case *wire.Goodbye:
			c.Send(&wire.Goodbye{})
			c.CloseAfterFlush(ctx)
			return nil
		default:
			return refuse(wire.FatalProtocol, fmt.Errorf("%w: unexpected %T between passes", ErrProtocol, m))
		}
	}
}

// toldError is an error a server also sent to its client in a Fatal,
// which the client reports: "ferry --server" need not print it again on
// the stderr that ssh shows the user.
type toldError struct{ err error }

func (e *toldError) Error() string { return e.err.Error() }
func (e *toldError) Unwrap() error { return e.err }

// ToldPeer reports that the client was told.
func (e *toldError) ToldPeer() bool { return true }
