package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

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
}

// Serve answers one client on tc: handshake, run request, passes until
// Goodbye. It closes tc.
func Serve(ctx context.Context, tc transport.Conn, opts ServeOptions) error {
	c := newConn(tc, opts.Config.Timeout)
	if _, err := handshake(c, serverCompression(opts.Config), opts.Config.Handoff); err != nil { // compress hook (compress_send.go)
		tc.Close()
		return err
	}
	m, err := c.read()
	if err != nil {
		tc.Close()
		return fmt.Errorf("read run request: %w", err)
	}
	run, ok := m.(*wire.Run)
	if !ok {
		tc.Close()
		return fmt.Errorf("%w: expected run request, got %T", ErrProtocol, m)
	}
	c.startWriter()
	c.watchTimeout()
	refuse := func(code uint64, err error) error {
		c.send(&wire.Fatal{Code: code, Message: err.Error()})
		c.closeAfterFlush(ctx)
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
	cfg := opts.Config
	cfg.fromRun(run)
	cfg.BackupDir, cfg.Suffix, cfg.BasisKind, cfg.BasisDirs = run.BackupDir, run.Suffix, run.BasisKind, run.BasisDirs
	cfg.TempDir = run.TempDir
	p := newPeer(c, cfg, false, nil)
	p.events = run.Flags&wire.FlagEvents != 0
	p.opBase = base{root: opts.Root} // correctness hook (base.go)
	r, err := newRole(p, run.Role, run.Paths)
	if err != nil {
		return refuse(wire.FatalIO, err)
	}
	defer r.close()
	go p.readLoop(r)
	for {
		m, err := p.awaitCtl(ctx)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		switch m := m.(type) {
		case *wire.PassBegin:
			if _, err := r.pass(ctx, m); err != nil {
				return refuse(fatalCode(err), err)
			}
		case *wire.Goodbye:
			c.send(&wire.Goodbye{})
			c.closeAfterFlush(ctx)
			return nil
		default:
			return refuse(wire.FatalProtocol, fmt.Errorf("%w: unexpected %T between passes", ErrProtocol, m))
		}
	}
}

// fatalCode is the Fatal code telling the client why a pass failed.
func fatalCode(err error) uint64 {
	switch {
	case errors.Is(err, ErrNotDir):
		return wire.FatalNotDir
	case errors.Is(err, ErrProtocol):
		return wire.FatalProtocol
	case errors.Is(err, ErrUsage):
		return wire.FatalUsage
	}
	return wire.FatalIO
}

// toldError is an error a server also sent to its client in a Fatal,
// which the client reports: "ferry --server" need not print it again on
// the stderr that ssh shows the user.
type toldError struct{ err error }

func (e *toldError) Error() string { return e.err.Error() }
func (e *toldError) Unwrap() error { return e.err }

// ToldPeer reports that the client was told.
func (e *toldError) ToldPeer() bool { return true }
