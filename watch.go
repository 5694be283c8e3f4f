package ferry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/ferrysync/ferry/internal/watch"
)

// WatchOptions configure Watch. The zero value is usable.
type WatchOptions struct {
	// Watcher is the change source: "auto" (or ""), "inotify",
	// "fanotify" or "poll". Auto picks inotify on Linux and polling
	// elsewhere. Fanotify (Linux 5.17, CAP_SYS_ADMIN) marks the whole
	// filesystem holding the source at once: no watch per directory, no
	// setup scan, however many directories.
	Watcher string
	// Delay is how long the source must be quiet before a batch of changes
	// goes out (--watch-delay); default 10ms.
	Delay time.Duration
	// MaxDelay caps the wait: a batch goes out at most this long after its
	// first change, however busy the source; default 100ms.
	MaxDelay time.Duration
	// PollInterval is the time between full passes of the poll watcher,
	// and between passes over directories inotify could not watch;
	// default 1s.
	PollInterval time.Duration
	// OnBatch, when set, is called after each batch's pass.
	OnBatch func(WatchBatch)
	// Events, when set, replaces the watcher: another program (a build
	// tool, a file-event daemon) writes the paths that changed, relative
	// to src, separated by NUL or newline ("." for the whole tree). The
	// end of Events ends the watch, after the last batch. src may then be
	// remote.
	Events io.Reader
	// RetryDelay is the wait before reconnecting when the session is lost
	// (the connection dropped, the destination unreachable); it doubles
	// on each failure, up to 30s. Once connected again, a full pass
	// catches up. Default 1s.
	RetryDelay time.Duration
	// OnWarning receives watcher problems that do not stop the watch
	// (the inotify watch limit reached: those directories are polled).
	OnWarning func(error)

	// overflow is a test hook: each receive acts as a kernel queue overflow.
	overflow <-chan struct{}
}

// WatchRename is a rename inside the watched source, relative to it.
type WatchRename struct {
	Old, New string
	// Dir: a directory moved, with everything under it.
	Dir bool
}

// WatchBatch reports one batch of changes replicated by Watch.
type WatchBatch struct {
	// Paths that changed, relative to the source, coalesced (a directory
	// stands for everything under it); empty for a full pass.
	Paths []string
	// Renames made in the source, in order, replicated as renames (with
	// Delete: see Watch) before Paths were compared.
	Renames []WatchRename
	// Rescan: the whole tree was compared (events may have been lost, or
	// the poll watcher asked for it).
	Rescan bool
	// Latency is from the batch's first change to the end of its pass.
	Latency time.Duration
	Stats   Stats
	// Err is the pass's error; per-file failures (ErrPartial) do not stop
	// the watch.
	Err error
}

// Watch makes dst like src, then keeps it so: it runs a full pass, then,
// over the same session, one pass per batch of changes in src until ctx is
// done. dst is any destination Sync accepts. src is a local directory,
// or a remote one, over ssh or a daemon module (ferry://host/module/path,
// host::module/path), whose server watches it and starts the passes (the
// session's Follow). The watcher starts before the first pass, so nothing
// changed during it is missed. When ctx ends, the batch in flight finishes (the
// first, full pass stops at once), and Watch returns the stats of every
// pass added up, with a nil error. Per-file failures are reported through
// Options.OnEvent (EventFileError) and do not stop the watch; a failure of
// the session itself (the connection lost) does, and is returned. With
// WatchOptions.Events, the end of Events ends the watch too.
func Watch(ctx context.Context, src, dst string, opts Options, wopts WatchOptions) (Stats, error) {
	op, err := ParseOperand(src)
	if err != nil {
		return Stats{}, err
	}
	opts.watching = true
	if op.Kind != Local && wopts.Events == nil {
		return watchRemote(ctx, src, dst, opts, wopts)
	}
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	var w watch.Watcher
	srcDir := "" // the local source the watcher's renames are in
	if wopts.Events != nil {
		w = watch.FromReader(wctx, wopts.Events)
	} else {
		srcDir = filepath.FromSlash(op.Path)
		if err := destInside(srcDir, dst); err != nil {
			return Stats{}, err
		}
		w, err = watch.New(wctx, srcDir, watch.WithOverflowHook(watch.Options{
			Backend: wopts.Watcher, PollInterval: wopts.PollInterval, OnWarning: wopts.OnWarning,
		}, wopts.overflow))
		if err != nil {
			if errors.Is(err, watch.ErrBackend) {
				return Stats{}, fmt.Errorf("%w: %w", ErrBadOption, err)
			}
			return Stats{}, fmt.Errorf("%w: %w", ErrBadOperand, err)
		}
	}
	defer w.Close()
	batches := watch.Batches(wctx, w.Changes(), wopts.Delay, wopts.MaxDelay)

	// The session outlives ctx: the batch in flight when ctx ends
	// finishes over it.
	s, err := Open(context.WithoutCancel(ctx), []string{src}, dst, opts)
	if err != nil {
		return Stats{}, err
	}
	rootEntry(s)
	var lost Stats          // the stats of sessions lost, added up
	full, up := true, false // the next pass is a full one; a pass has succeeded
	first := time.Now()
	for ctx.Err() == nil {
		var paths []string
		var renames []WatchRename
		rescan := full
		pctx := ctx // a full pass stops at once when ctx ends
		if !full {
			b, ok := batches.Next(ctx)
			if !ok {
				if ctx.Err() != nil || wopts.Events != nil {
					break // closed because ctx ended, or at the end of Events
				}
				s.Close()
				return addStats(lost, s.Totals()), fmt.Errorf("ferry: watching %s stopped unexpectedly", src)
			}
			paths, rescan, first = b.Paths, b.Rescan, b.First
			for _, rn := range b.Renames {
				renames = append(renames, WatchRename(rn))
			}
			if rescan || (len(paths) == 1 && paths[0] == "") || opts.HardLinks && hardLinked(srcDir, paths) {
				paths, renames, rescan = nil, nil, true
			}
			pctx = context.WithoutCancel(ctx) // a batch finishes
		}
		st, err := s.passRenames(pctx, paths, renames, srcDir)
		if wopts.OnBatch != nil && (!full || ctx.Err() == nil) { // not a full pass cut short
			wopts.OnBatch(WatchBatch{Paths: paths, Renames: renames, Rescan: rescan, Latency: time.Since(first), Stats: st, Err: err})
		}
		err = watchErr(ctx, err)
		if err == nil {
			full, up = false, true
			continue
		}
		if !up {
			s.Close()
			return addStats(lost, s.Totals()), err
		}
		// The session is lost (the connection dropped, the destination
		// went away): open another, then catch up with a full pass.
		lost = addStats(lost, s.Totals())
		s.Close()
		if s = reopen(ctx, src, dst, opts, wopts, err); s == nil {
			return lost, nil // ctx ended meanwhile
		}
		full, first = true, time.Now()
	}
	// Every pass has ended. A signal may have reached a remote shell too
	// (^C goes to the whole process group), so a session that cannot say
	// goodbye cleanly is no failure of the watch.
	s.Close()
	return addStats(lost, s.Totals()), nil
}

// Retry delays of a watch whose session was lost: the first, and the cap
// of the doubling.
const (
	defaultRetryDelay = time.Second
	maxRetryDelay     = 30 * time.Second
)

// reopen opens a new session after cause ended the last one, retrying
// with a doubling delay (WatchOptions.RetryDelay, capped) until it opens
// or ctx ends (nil).
func reopen(ctx context.Context, src, dst string, opts Options, wopts WatchOptions, cause error) *Session {
	delay := wopts.RetryDelay
	if delay <= 0 {
		delay = defaultRetryDelay
	}
	for {
		if wopts.OnWarning != nil {
			wopts.OnWarning(fmt.Errorf("ferry: watch: the session ended (%w); reconnecting in %v", cause, delay))
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		s, err := Open(context.WithoutCancel(ctx), []string{src}, dst, opts)
		if err == nil {
			rootEntry(s)
			return s
		}
		cause = err
		delay = min(2*delay, max(maxRetryDelay, wopts.RetryDelay))
	}
}

// watchErr is the error that ends a watch: nil for per-file failures,
// deletions stopped by MaxDelete, and ctx's end.
func watchErr(ctx context.Context, err error) error {
	switch {
	case err == nil, errors.Is(err, ErrPartial), errors.Is(err, ErrMaxDelete):
		return nil
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return nil
	}
	return err
}

// rootEntry makes the passes of s send the source root's entry, so that
// the replica root's times follow the names made and removed at its top,
// whatever the destination (TestPassRootTimes; TestWatchCutMidBatch
// checks that a pass cut short with the root's entry leaves nothing behind
// the catch-up pass).
func rootEntry(s *Session) {
	s.cl.SetRootEntry(true)
}
