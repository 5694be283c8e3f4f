package ferry

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/ferrysync/ferry/internal/session"
	"github.com/ferrysync/ferry/internal/watch"
)

// watchRemote is Watch of a remote source: the server watches its tree
// and starts every pass, the first one full (watchFollow); this side
// follows until ctx is done.
func watchRemote(ctx context.Context, src, dst string, opts Options, wopts WatchOptions) (Stats, error) {
	var following atomic.Bool
	if wopts.OnBatch != nil {
		user := opts.OnEvent
		start := time.Now()
		opts.OnEvent = func(ev Event) {
			if user != nil {
				user(ev)
			}
			if ev.Kind == EventPassDone && following.Load() {
				// The server knows what changed; this side sees the pass.
				wopts.OnBatch(WatchBatch{Latency: time.Since(start), Stats: ev.Stats, Err: ev.Err})
			}
			if ev.Kind == EventPassDone {
				start = time.Now()
			}
		}
	}
	s, err := Open(context.WithoutCancel(ctx), []string{src}, dst, opts)
	if err != nil {
		return Stats{}, err
	}
	following.Store(true)
	err = s.Follow(ctx)
	s.Close()
	if errors.Is(err, ErrNoServerPass) {
		return s.Totals(), fmt.Errorf("%w: the server of %s cannot watch its tree (an older ferry)", ErrNotSupported, src)
	}
	return s.Totals(), watchErr(ctx, err)
}

// watchFollow is what the server of a remote-shell session runs when a
// watching client follows it (ferry watch host:src/ dst/): watch.Follow of
// its one source path. nil when the session has not exactly one.
func watchFollow(paths []string) session.FollowRenamesFunc {
	if len(paths) != 1 {
		return nil
	}
	return watch.Follow(filepath.FromSlash(paths[0]), paths[0], watch.Options{})
}
