package session

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ferrysync/ferry/internal/link"
	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/wire"
)

// CapServerPass: the server may start passes while the client follows
// (Follow, FollowEnd).
const CapServerPass = "server-pass"

// ErrNoServerPass is the error of Follow with a server that cannot start
// passes (an older one, or one that watches nothing).
var ErrNoServerPass = errors.New("ferry: the server does not start passes")

// Follow hands the starting of passes to the server until ctx is done:
// each pass the server begins (its tree changed, say) runs here as any
// pass, and onPass, if not nil, gets its number, stats and error. A pass
// in flight when ctx ends runs to its end. Follow then returns nil and the
// session goes on (Pass, Follow again, Close); another error ended the
// session.
func (cl *Client) Follow(ctx context.Context, onPass func(pass uint64, st Stats, err error)) error {
	cl.passMu.Lock()
	defer cl.passMu.Unlock()
	if !cl.c.Caps.ServerPass {
		return ErrNoServerPass
	}
	if err := cl.c.Send(&wire.Follow{}); err != nil {
		return cl.connErr(ctx, err)
	}
	stop := ctx.Done()
	for {
		var m wire.Message
		select {
		case m = <-cl.p.Ctl:
		case <-cl.c.Done():
			select {
			case m = <-cl.p.Ctl:
			default:
				return cl.c.Err()
			}
		case <-stop:
			stop = nil
			if err := cl.c.Send(&wire.FollowEnd{}); err != nil {
				return cl.c.Err()
			}
			continue
		}
		switch m := m.(type) {
		case *wire.PassBegin:
			cl.npass = m.Pass + 1
			st, err := cl.r.Pass(context.WithoutCancel(ctx), m) // the server's pass runs to its end
			if err != nil {
				cl.c.Fail(err)
				return cl.connErr(context.WithoutCancel(ctx), err)
			}
			if onPass != nil {
				onPass(m.Pass, st, nil)
			}
		case *wire.FollowEnd:
			if stop != nil {
				err := fmt.Errorf("%w: follow-end the client did not ask for", ErrProtocol)
				cl.c.Abort(err)
				return err
			}
			return nil
		default:
			err := fmt.Errorf("%w: %T while following", ErrProtocol, m)
			cl.c.Abort(err)
			return err
		}
	}
}

// FollowFunc is what a server runs while its client follows: it calls pass
// for each pass it starts (paths relative to the transfer root; none: the
// whole tree) until ctx is done, when the client takes the starting of
// passes back. pass returns that pass's stats; an error from pass ends the
// session.
type FollowFunc func(ctx context.Context, pass func(paths []string) (Stats, error)) error

// FollowRenamesFunc is FollowFunc whose passes may begin with renames made
// in the source (Client.PassRenames has the rules): a server watching its
// tree replicates them as renames.
type FollowRenamesFunc func(ctx context.Context, pass func(paths []string, renames []Rename) (Stats, error)) error

// followFunc is opts' follow function, nil when it has none.
func followFunc(opts ServeOptions) FollowRenamesFunc {
	if opts.FollowRenames != nil {
		return opts.FollowRenames
	}
	if opts.Follow == nil {
		return nil
	}
	return func(ctx context.Context, pass func([]string, []Rename) (Stats, error)) error {
		return opts.Follow(ctx, func(paths []string) (Stats, error) { return pass(paths, nil) })
	}
}

// follower is a server's state while its client follows.
type follower struct {
	mu     sync.Mutex
	cancel context.CancelFunc // nil when the client does not follow
}

// end is the client's FollowEnd: it cancels the follow context.
func (f *follower) end() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cancel != nil {
		f.cancel()
	}
}

// serveFollow runs opts.Follow for a client that sent Follow, starting
// passes numbered from next; it returns the next pass number once the
// client's FollowEnd came and the answer went out.
func serveFollow(ctx context.Context, c *link.Link, p *role.Peer, r engine, f *follower, fn FollowRenamesFunc, next uint64) (uint64, error) {
	if fn == nil {
		return next, &role.UsageError{Msg: ErrNoServerPass.Error()}
	}
	fctx, cancel := context.WithCancel(ctx)
	f.mu.Lock()
	f.cancel = cancel
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.cancel = nil
		f.mu.Unlock()
		cancel()
	}()
	var passErr error
	one := func(paths []string, renames []Rename) (Stats, error) {
		if passErr != nil {
			return Stats{}, passErr
		}
		if fctx.Err() != nil {
			return Stats{}, fctx.Err() // the client took the passes back
		}
		// The passes of a watch: the root's times follow its top-level names.
		pb := &wire.PassBegin{Pass: next, Paths: paths, Root: len(paths) > 0 && c.Caps.PassRoot}
		next++
		if err := sendRenames(r, pb.Pass, renames); err != nil {
			passErr = err
			return Stats{}, err
		}
		if err := c.Send(pb); err != nil {
			passErr = err
			return Stats{}, err
		}
		st, err := r.Pass(context.WithoutCancel(ctx), pb) // never cut short: the client would act on the cut
		if err != nil {
			passErr = err
		}
		return st, err
	}
	pass := func(paths []string, renames []Rename) (Stats, error) {
		if len(paths) == 0 && len(renames) == 0 {
			return one(nil, nil) // the whole tree
		}
		return renamePasses(r, &p.Cfg, c.Caps.Rename, paths, renames, one)
	}
	ferr := fn(fctx, pass)
	if passErr != nil {
		return next, passErr
	}
	if ferr != nil && fctx.Err() == nil {
		return next, ferr // the watch failed or was refused: the client is told at once
	}
	select { // the passes are the client's again only when it says so
	case <-fctx.Done():
	case <-c.Done():
		return next, c.Err()
	}
	if ctx.Err() != nil {
		return next, ctx.Err()
	}
	if ferr != nil && !errors.Is(ferr, context.Canceled) {
		return next, ferr
	}
	return next, c.Send(&wire.FollowEnd{})
}
