package ferry

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ferrysync/ferry/internal/session"
	"github.com/ferrysync/ferry/internal/watch"
)

// watchRemote is Watch of a remote source: the server watches its tree
// and starts every pass, the first one full (watchFollow); this side
// follows until ctx is done.
func watchRemote(ctx context.Context, src, dst string, opts Options, wopts WatchOptions) (Stats, error) {
	if op, err := ParseOperand(src); err == nil && op.Kind == Daemon {
		return Stats{}, fmt.Errorf("%w: watching a daemon module (%s): its server cannot watch its tree yet", ErrNotSupported, src)
	}
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
// watching client follows it (ferry watch host:src/ dst/): it watches
// src, runs a full pass, then one pass per batch of changes until ctx is
// done. nil when the session has not exactly one source path.
func watchFollow(paths []string) session.FollowRenamesFunc {
	if len(paths) != 1 {
		return nil
	}
	src := paths[0]
	base := "" // pass paths are the transfer's: "src" without a slash is in it by name
	if !strings.HasSuffix(src, "/") {
		switch b := path.Base(src); b {
		case ".", "/", "..", "":
		default:
			base = b
		}
	}
	prefix := func(p string) string {
		if base != "" {
			return base + "/" + p
		}
		return p
	}
	return func(ctx context.Context, pass func([]string, []session.Rename) (session.Stats, error)) error {
		w, err := watch.New(ctx, filepath.FromSlash(src), watch.Options{})
		if err != nil {
			return err
		}
		defer w.Close()
		batches := watch.Batches(ctx, w.Changes(), 0, 0)
		if _, err := pass(nil, nil); err != nil { // the watches are set: what changes from here is seen
			return err
		}
		for {
			b, ok := batches.Next(ctx)
			if !ok {
				break
			}
			var ps []string
			var rs []session.Rename
			if !b.Rescan && !(len(b.Paths) == 1 && b.Paths[0] == "") {
				for _, p := range b.Paths {
					ps = append(ps, prefix(p))
				}
				for _, rn := range b.Renames {
					rs = append(rs, session.Rename{Old: prefix(rn.Old), New: prefix(rn.New), Dir: rn.Dir})
				}
			}
			if _, err := pass(ps, rs); err != nil {
				return err
			}
		}
		return nil
	}
}
