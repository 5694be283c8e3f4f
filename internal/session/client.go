package session

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"

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
	p     *peer
	r     role
	npass uint64
	caps  []string
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
	c := newConn(tc, cfg.Timeout)
	zo := clientCompression(cfg) // compress hook (compress_send.go)
	c.watchTimeout()             // timeout hook (timeout.go): a peer silent from the start is dropped too
	caps, err := handshake(c, zo, cfg.Handoff)
	if err != nil {
		c.fail(err)
		return nil, c.timeoutErr(err)
	}
	if err := checkXattrCap(&cfg, caps); err != nil {
		c.fail(err)
		return nil, err
	}
	c.startWriter()
	p := newPeer(c, cfg, true, req.OnEvent)
	serverRole := wire.RoleReceiver
	if req.Role == wire.RoleReceiver {
		serverRole = wire.RoleSender
	}
	run := &wire.Run{Role: serverRole, Paths: req.Remote, Flags: wire.FlagEvents}
	cfg.toRun(run)
	if req.Role == wire.RoleSender { // the server receives: it needs the destination tail
		run.BackupDir, run.Suffix, run.BasisKind, run.BasisDirs = cfg.BackupDir, cfg.Suffix, cfg.BasisKind, cfg.BasisDirs
		if cfg.TempDir != "" {
			run.Flags |= wire.FlagTempDir
			run.TempDir = cfg.TempDir
		}
	} else {
		run.Flags &^= wire.FlagBackup
	}
	if err := c.send(run); err != nil {
		c.fail(err)
		return nil, err
	}
	if err := c.sendCompressOptions(zo); err != nil { // compress hook (compress_send.go)
		c.fail(err)
		return nil, err
	}
	r, err := newRole(p, req.Role, req.Local)
	if err != nil {
		c.send(&wire.Fatal{Code: wire.FatalUsage, Message: err.Error()})
		c.closeAfterFlush(ctx)
		return nil, err
	}
	go p.readLoop(r)
	return &Client{p: p, r: r, caps: caps}, nil
}

// newRole builds the local role and, for a receiver, grants the sender its
// initial entry credit.
func newRole(p *peer, role wire.Role, ops []string) (role, error) {
	if role == wire.RoleSender {
		return newSender(p, ops)
	}
	if len(ops) != 1 {
		return nil, fmt.Errorf("receiver needs one destination, got %d", len(ops))
	}
	r, err := newReceiver(p, ops[0])
	if err != nil {
		return nil, err
	}
	if err := r.grantInitial(); err != nil {
		return nil, err
	}
	return r, nil
}

// Caps returns the capabilities both sides support.
func (cl *Client) Caps() []string { return cl.caps }

// Pass runs one pass: over the whole tree when paths is empty, else over
// just these transfer paths (each walked, compared and, with Delete,
// deleted when gone from the source). It returns the pass's stats. With
// DeleteBefore, a delete-only pass over the same paths goes first.
func (cl *Client) Pass(ctx context.Context, paths []string) (Stats, error) {
	cfg := &cl.p.cfg
	if !cfg.Delete || !cfg.DeleteBefore {
		return cl.pass(ctx, paths, false)
	}
	pre, err := cl.pass(ctx, paths, true)
	if err != nil {
		return pre, err
	}
	st, err := cl.pass(ctx, paths, false)
	st.Deleted += pre.Deleted
	st.DeletesSkipped += pre.DeletesSkipped
	return st, err
}

func (cl *Client) pass(ctx context.Context, paths []string, deleteOnly bool) (Stats, error) {
	pb := &wire.PassBegin{Pass: cl.npass, Paths: paths, DeleteOnly: deleteOnly}
	cl.npass++
	if err := cl.p.c.send(pb); err != nil {
		return Stats{}, err
	}
	st, err := cl.r.pass(ctx, pb)
	if err != nil {
		cl.p.c.fail(err)
		return st, cl.connErr(ctx, err)
	}
	return st, nil
}

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
	case <-cl.p.c.done:
		if e := cl.p.c.Err(); e != errClosed {
			return e
		}
	default:
	}
	return err
}

// Close ends the session: Goodbye both ways, then the connection closes.
func (cl *Client) Close(ctx context.Context) error {
	defer cl.r.close()
	c := cl.p.c
	select {
	case <-c.done:
		return nil
	default:
	}
	if err := c.send(&wire.Goodbye{}); err != nil {
		return nil
	}
	m, err := cl.p.awaitCtl(ctx)
	if err == nil {
		if _, ok := m.(*wire.Goodbye); !ok {
			err = fmt.Errorf("%w: expected goodbye, got %T", ErrProtocol, m)
		}
	}
	c.closeAfterFlush(ctx)
	return err
}
