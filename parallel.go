package ferry

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ferrysync/ferry/internal/coop"
)

// --parallel N: one sync run as N shards at once, each a session over its
// own connection to the same source and destination (for a path one
// stream cannot fill), with one stream of events, one progress and summed
// stats. Shard j of N is coop.Shard{K: j, N: N}; with --shard K/M as well,
// the run's part is split again: shard K + j*M of M*N, whose paths all
// hash to K modulo M.

// checkCoop refuses a bad Shard/Shards pair or Parallel count.
func checkCoop(opts Options) error {
	if err := (coop.Shard{K: opts.Shard, N: opts.Shards}).Check(); err != nil {
		return fmt.Errorf("%w: %d/%d", err, opts.Shard, opts.Shards)
	}
	if opts.Cooperate && opts.DelayUpdates {
		return fmt.Errorf("%w: --cooperate cannot be combined with --delay-updates (claims are held until each file is in place)", ErrBadOperand)
	}
	if opts.Parallel > 1 && opts.FilesFrom != nil {
		// Each session would read the one list: read it into memory and
		// give each its own reader, when someone needs this.
		return fmt.Errorf("%w: --parallel cannot be combined with --files-from yet", ErrBadOperand)
	}
	if opts.Parallel < 0 || max(opts.Shards, 1)*opts.Parallel > coop.MaxShards {
		return fmt.Errorf("ferry: bad --parallel %d", opts.Parallel)
	}
	return nil
}

// syncParallel runs SyncMany as opts.Parallel shards at once.
func syncParallel(ctx context.Context, srcs []string, dst string, opts Options) (Stats, error) {
	n := opts.Parallel
	agg := &parallelEvents{user: opts.OnEvent, prog: make([]Progress, n)}
	stats := make([]Stats, n)
	errs := make([]error, n)
	start := time.Now()
	var wg sync.WaitGroup
	for j := range n {
		o := opts
		o.Parallel = 0
		o.Shard, o.Shards = j, n
		if opts.Shards > 0 {
			o.Shard, o.Shards = opts.Shard+j*opts.Shards, opts.Shards*n
		}
		if opts.OnEvent != nil {
			o.OnEvent = func(ev Event) { agg.event(j, ev) }
		}
		wg.Go(func() { stats[j], errs[j] = SyncMany(ctx, srcs, dst, o) })
	}
	wg.Wait()
	var total Stats
	for _, st := range stats {
		total = addStats(total, st)
	}
	total.Elapsed = time.Since(start)
	return total, joinParallel(errs)
}

// joinParallel makes one error of the shards' errors: the first that is
// not a partial transfer or a --max-delete stop; else their counts added
// up.
func joinParallel(errs []error) error {
	var part PartialError
	var md MaxDeleteError
	for _, err := range errs {
		var pe *PartialError
		var me *MaxDeleteError
		switch {
		case err == nil:
		case errors.As(err, &pe):
			part.Errors += pe.Errors
			part.Vanished += pe.Vanished
		case errors.As(err, &me):
			md.Skipped += me.Skipped
		default:
			return err
		}
	}
	switch {
	case part.Errors > 0:
		return &part
	case md.Skipped > 0:
		return &md
	}
	return nil
}

// parallelEvents merges the shards' events into one stream: one at a
// time, with progress made one (every shard scans the whole source, so
// the totals are the largest shard's; the done counts are added up).
type parallelEvents struct {
	user func(Event)
	// mu serializes the calls of user and guards prog.
	mu   sync.Mutex
	prog []Progress // each shard's latest
}

func (a *parallelEvents) event(j int, ev Event) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ev.Kind == EventProgress || ev.Kind == EventTotals {
		a.prog[j] = ev.Progress
		ev.Progress = a.merged()
	}
	a.user(ev)
}

// merged returns the shards' progress as one.
func (a *parallelEvents) merged() Progress {
	p := Progress{ScanDone: true}
	for _, q := range a.prog {
		p.FilesTotal, p.BytesTotal = max(p.FilesTotal, q.FilesTotal), max(p.BytesTotal, q.BytesTotal)
		p.FilesDone += q.FilesDone
		p.BytesDone += q.BytesDone
		p.ScanDone = p.ScanDone && q.ScanDone
	}
	if p.ScanDone {
		p.FilesDone, p.BytesDone = min(p.FilesDone, p.FilesTotal), min(p.BytesDone, p.BytesTotal)
	}
	return p
}
