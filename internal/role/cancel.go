package role

import (
	"context"
	"errors"
	"sync"
)

// Cancelled reports whether err is ctx's own end: a pass stopped early on
// purpose (a cancelled context, a wire.PassCancel), not a failure.
func Cancelled(ctx context.Context, err error) bool {
	return err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err())
}

// passCancel is the cancel function of the pass running on a Peer, so that
// the reader can cancel it when the peer sends PassCancel.
type passCancel struct {
	mu     sync.Mutex
	pass   uint64
	cancel context.CancelFunc // nil between passes
	// early: a PassCancel came for pass early-1 before that pass started
	// here (the reader is ahead of the pass loop).
	early uint64
}

// StartPass returns the context of pass n, derived from ctx, which
// CancelPass(n) cancels; call the returned stop when the pass is over.
func (p *Peer) StartPass(ctx context.Context, n uint64) (context.Context, context.CancelFunc) {
	pctx, cancel := context.WithCancel(ctx)
	pc := &p.passCancel
	pc.mu.Lock()
	pc.pass, pc.cancel = n, cancel
	if pc.early == n+1 {
		cancel()
	}
	pc.early = 0
	pc.mu.Unlock()
	return pctx, func() {
		pc.mu.Lock()
		pc.cancel = nil
		pc.mu.Unlock()
		cancel()
	}
}

// CancelPass cancels pass n (the peer's PassCancel): now if it runs, else
// as soon as it starts. It never blocks.
func (p *Peer) CancelPass(n uint64) {
	pc := &p.passCancel
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.cancel != nil && pc.pass == n {
		pc.cancel()
		return
	}
	pc.early = n + 1
}
