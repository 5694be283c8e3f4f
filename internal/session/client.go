package session

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ferrysync/ferry/internal/link"
	"github.com/ferrysync/ferry/internal/receiver"
	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/sender"
	"github.com/ferrysync/ferry/internal/tree"

	"github.com/ferrysync/ferry/internal/transport"
	"github.com/ferrysync/ferry/internal/wire"
)

// Request describes the run a client asks for.
type Request struct {
	// Role is the role this (client) side plays; the server plays the
	// other one.
	Role wire.Role
	// Local are this side's operands: the sources when sending, the
	// destination (one path) when receiving.
	Local []string
	// Remote are the server's operands, sent in the Run message.
	Remote []string
	Config Config
	// OnEvent receives every event of the run, from both sides, one at a
	// time. It may be nil.
	OnEvent func(Event)
}

// Client is the client side of a session: it can run several passes over
// one connection.
type Client struct {
	p *role.Peer
	c *link.Link // the one link of the session
	// passMu serializes passes.
	passMu sync.Mutex
	r      engine
	npass  uint64
	caps   []string
	// rootEntry: path passes ask for the root's entry (SetRootEntry).
	rootEntry bool
}

// Dial performs the handshake on tc, sends the run request and prepares
// the local role. Close ends the session and releases tc.
func Dial(ctx context.Context, tc transport.Conn, req Request) (*Client, error) {
	cfg := req.Config
	if cfg.Seed == 0 {
		var b [8]byte
		rand.Read(b[:])
		cfg.Seed = binary.LittleEndian.Uint64(b[:]) | 1
	}
	c := link.NewConn(tc, cfg.Timeout)
	zo := clientCompression(cfg) // compress hook (internal/link/compress_send.go)
	c.WatchTimeout()             // timeout hook (internal/link/timeout.go): a peer silent from the start is dropped too
	caps, err := handshake(c, zo, cfg.Handoff, false)
	if err != nil {
		c.Fail(err)
		return nil, c.TimeoutErr(err)
	}
	if err := role.CheckXattrCap(&cfg, caps); err != nil {
		c.Fail(err)
		return nil, err
	}
	c.StartWriter()
	c.SendIdle() // keepalives often enough for both sides' timeouts (best effort: a failure shows at the next send)
	p := role.NewPeer(c, cfg, true, req.OnEvent)
	serverRole := wire.RoleReceiver
	if req.Role == wire.RoleReceiver {
		serverRole = wire.RoleSender
	}
	run := &wire.Run{Role: serverRole, Paths: req.Remote, Flags: wire.FlagEvents}
	cfg.ToRun(run)
	if req.Role == wire.RoleSender { // the server receives: it needs the destination tail
		run.BackupDir, run.Suffix, run.BasisKind, run.BasisDirs = cfg.BackupDir, cfg.Suffix, cfg.BasisKind, cfg.BasisDirs
		if cfg.TempDir != "" {
			run.Flags |= wire.FlagTempDir
			run.TempDir = cfg.TempDir
		}
	} else {
		run.Flags &^= wire.FlagBackup
	}
	if err := c.Send(run); err != nil {
		c.Fail(err)
		return nil, err
	}
	if err := c.SendCompressOptions(zo); err != nil { // compress hook (internal/link/compress_send.go)
		c.Fail(err)
		return nil, err
	}
	r, err := newRole(p, req.Role, req.Local)
	if err != nil {
		c.Send(&wire.Fatal{Code: wire.FatalUsage, Message: err.Error()})
		c.CloseAfterFlush(ctx)
		return nil, err
	}
	go readLoop(p, c, r, nil)
	return &Client{p: p, c: c, r: r, caps: caps}, nil
}

// newRole builds the local role and, for a receiver, grants the sender its
// initial entry credit.
func newRole(p *role.Peer, role wire.Role, ops []string) (engine, error) {
	if role == wire.RoleSender {
		return sender.New(p, ops)
	}
	if len(ops) != 1 {
		return nil, fmt.Errorf("receiver needs one destination, got %d", len(ops))
	}
	r, err := receiver.New(p, ops[0])
	if err != nil {
		return nil, err
	}
	if err := r.GrantInitial(); err != nil {
		return nil, err
	}
	return r, nil
}

// Abort tears the session down at once for err (a signal): the pass in
// flight fails, nothing waits for the peer.
func (cl *Client) Abort(err error) { cl.c.Fail(err) }

// SetRootEntry makes each later pass over paths stream the transfer
// root's own entry ahead of them, so that the root's times follow the
// names made and removed at its top (a watch's passes), where the peer
// supports it (capability pass-root). Call it between passes.
func (cl *Client) SetRootEntry(on bool) {
	cl.passMu.Lock()
	cl.rootEntry = on
	cl.passMu.Unlock()
}

// Caps returns the capabilities both sides support.
func (cl *Client) Caps() []string { return cl.caps }

// Pass runs one pass: over the whole tree when paths is empty, else over
// just these transfer paths (each walked, compared and, with Delete,
// deleted when gone from the source). It returns the pass's stats. With
// DeleteBefore, a delete-only pass over the same paths goes first.
//
// Pass is safe to call from several goroutines: passes are serialized.
// A path that is not a valid transfer path (absolute, "..", empty) is a
// per-path error (an EventError, counted in Stats.Errors); the others are
// passed. When none is valid no pass runs: never a whole-tree pass.
func (cl *Client) Pass(ctx context.Context, paths []string) (Stats, error) {
	return cl.PassRenames(ctx, paths, nil)
}

// validPaths returns the valid paths of a pass; it reports each invalid
// one as a per-path error and counts them.
func (cl *Client) validPaths(paths []string) (valid []string, bad uint64) {
	for _, p := range paths {
		if err := tree.ValidPath(p); err != nil {
			bad++
			cl.p.Emit(Event{Kind: EventError, Path: p, Err: &FileError{Op: "pass", Path: p, Code: wire.ErrCodeIO, Err: fmt.Errorf("%w: %w", ErrBadPath, err)}})
			continue
		}
		valid = append(valid, p)
	}
	return valid, bad
}

// passes runs a pass, after a delete-only one with DeleteBefore.
func (cl *Client) passes(ctx context.Context, paths []string, renames []Rename) (Stats, error) {
	cfg := &cl.p.Cfg
	if !cfg.Delete || !cfg.DeleteBefore {
		return cl.pass(ctx, paths, renames, false)
	}
	pre, err := cl.pass(ctx, paths, renames, true)
	if err != nil {
		return pre, err
	}
	st, err := cl.pass(ctx, paths, nil, false)
	st.Deleted += pre.Deleted
	st.DeletesSkipped += pre.DeletesSkipped
	return st, err
}

func (cl *Client) pass(ctx context.Context, paths []string, renames []Rename, deleteOnly bool) (Stats, error) {
	pb := &wire.PassBegin{Pass: cl.npass, Paths: paths, DeleteOnly: deleteOnly, Root: cl.rootEntry && len(paths) > 0 && cl.c.Caps.PassRoot}
	cl.npass++
	if err := sendRenames(cl.r, pb.Pass, renames); err != nil {
		return Stats{}, cl.connErr(ctx, err)
	}
	if err := cl.p.Link.Send(pb); err != nil {
		return Stats{}, cl.connErr(ctx, err)
	}
	if !cl.c.Caps.PassCancel {
		// A peer that cannot cancel a pass: cancelling ends the session.
		st, err := cl.r.Pass(ctx, pb)
		if err != nil {
			cl.fail(err)
			return st, cl.connErr(ctx, err)
		}
		return st, nil
	}
	pctx, stop := cl.p.StartPass(context.WithoutCancel(ctx), pb.Pass)
	defer stop()
	var (
		graceMu sync.Mutex
		grace   *time.Timer // set once the cancel went out
		ended   bool        // the pass returned: no grace timer any more
	)
	defer func() {
		graceMu.Lock()
		ended = true
		if grace != nil {
			grace.Stop()
		}
		graceMu.Unlock()
	}()
	defer context.AfterFunc(ctx, func() {
		// The peer first, then this side: the PassCancel goes out before
		// anything this side sends once cancelled (a cut-short entry
		// stream), so a receiving peer knows not to act on the cut.
		cl.c.Send(&wire.PassCancel{Pass: pb.Pass})
		stop()
		graceMu.Lock()
		defer graceMu.Unlock()
		if !ended {
			grace = time.AfterFunc(cancelGrace, func() {
				cl.c.Fail(fmt.Errorf("pass %d cancelled and not ended by the peer within %v: %w", pb.Pass, cancelGrace, context.Cause(ctx)))
			})
		}
	})()
	st, err := cl.r.Pass(pctx, pb)
	switch {
	case ctx.Err() != nil && (err == nil || role.Cancelled(pctx, err)):
		// Cancelled: the pass ended early (on this side or the peer's,
		// whichever saw the cancel first) and the session goes on.
		return st, ctx.Err()
	case err == nil:
		return st, nil
	}
	cl.fail(err)
	return st, cl.connErr(ctx, err)
}

// fail ends the session for a pass's error: with a Fatal the server
// receives when the server sent something wrong (an invalid entry path,
// a message past a limit), else at once.
func (cl *Client) fail(err error) {
	if errors.Is(err, role.ErrProtocol) {
		cl.p.Link.Abort(err)
		return
	}
	cl.p.Link.Fail(err)
}

// cancelGrace bounds how long a cancelled pass may take to end (files in
// flight finish, the PassDone exchange) before the session is torn down.
const cancelGrace = 30 * time.Second

// connErr prefers the error that tore the connection down (a Fatal from
// the peer, say) over the symptom seen locally. A cancelled ctx wins over
// both: a signal closes the far side too (the in-process server of a
// local copy, the ssh child of a remote one), and its end of file, read
// first, must not be reported as an I/O error.
func (cl *Client) connErr(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	select {
	case <-cl.c.Done():
		if e := cl.c.Err(); e != link.ErrClosed {
			return e
		}
	default:
	}
	return err
}

// Close ends the session: Goodbye both ways, then the connection closes.
func (cl *Client) Close(ctx context.Context) error {
	defer cl.r.Close()
	c := cl.c
	select {
	case <-c.Done():
		return nil
	default:
	}
	if err := c.Send(&wire.Goodbye{}); err != nil {
		return nil
	}
	m, err := cl.p.AwaitCtl(ctx)
	if err == nil {
		if _, ok := m.(*wire.Goodbye); !ok {
			err = fmt.Errorf("%w: expected goodbye, got %T", ErrProtocol, m)
		}
	}
	c.CloseAfterFlush(ctx)
	return err
}
