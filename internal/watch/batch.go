package watch

import (
	"context"
	"path"
	"slices"
	"sync/atomic"
	"time"
)

// Batch is what changed while the tree was busy, sent out together.
type Batch struct {
	// Paths are relative to the root, sorted and coalesced: no path is
	// under another one of the batch.
	Paths []string
	// Rescan: changes may have been lost; the whole tree must be
	// compared (Paths and Renames are then empty).
	Rescan bool
	// Renames, in order, are renames inside the root, to be done before
	// Paths are compared: Paths name what changed under its last name.
	// A rename's old name is not in Paths, though a replica that cannot
	// do the rename must compare it (and the new one) instead.
	Renames []Rename
	// First is when the batch's first change arrived.
	First time.Time
}

// Default batching times (ferry watch --watch-delay, and its cap).
const (
	DefaultDelay    = 10 * time.Millisecond
	DefaultMaxDelay = 100 * time.Millisecond
)

// Queue hands out the batches of Batches, one per Next.
type Queue struct {
	reqs chan chan Batch
	done chan struct{} // closed when no batch will come any more
	// built counts the batches built (a test hook: a batch is built once,
	// when taken, however many changes joined it while it waited).
	built atomic.Int64
}

// Next waits for the next batch. It returns false once the changes have
// ended (after the last batch), the ctx of Batches is done, or ctx is
// done (a batch ready at that moment may then be dropped: the caller is
// stopping).
func (q *Queue) Next(ctx context.Context) (Batch, bool) {
	reply := make(chan Batch, 1)
	select {
	case q.reqs <- reply:
	case <-q.done:
		return Batch{}, false
	case <-ctx.Done():
		return Batch{}, false
	}
	select {
	case b := <-reply:
		return b, true
	case <-q.done:
		select {
		case b := <-reply:
			return b, true
		default:
			return Batch{}, false
		}
	case <-ctx.Done():
		return Batch{}, false
	}
}

// Batches coalesces the changes from in into batches: a batch is ready
// once no change has arrived for delay, or maxDelay after its first
// change, whichever comes first. Changes that arrive while a ready batch
// waits to be taken (the caller busy with the last one) join it: the batch
// is built (its paths coalesced and sorted) only when Next takes it, so a
// burst of thousands of changes during a long pass costs one build, not
// one per change. No batch comes once in is closed (after the last one)
// or ctx is done.
func Batches(ctx context.Context, in <-chan Change, delay, maxDelay time.Duration) *Queue {
	if delay <= 0 {
		delay = DefaultDelay
	}
	if maxDelay <= 0 {
		maxDelay = DefaultMaxDelay
	}
	q := &Queue{reqs: make(chan chan Batch), done: make(chan struct{})}
	go q.run(ctx, in, delay, maxDelay)
	return q
}

func (q *Queue) run(ctx context.Context, in <-chan Change, delay, maxDelay time.Duration) {
	defer close(q.done)
	var (
		b            batcher
		quiet, limit *time.Timer
		quietC       <-chan time.Time
		limitC       <-chan time.Time
		ready        bool
		waiting      chan Batch // a Next waiting for a batch
	)
	stop := func() {
		if quiet != nil {
			quiet.Stop()
			limit.Stop()
		}
		quietC, limitC = nil, nil
	}
	defer stop()
	give := func() {
		q.built.Add(1)
		waiting <- b.take() // buffered: never blocks
		waiting, ready = nil, false
	}
	for {
		if ready && waiting != nil {
			give()
		}
		var reqs chan chan Batch
		if waiting == nil {
			reqs = q.reqs
		}
		select {
		case <-ctx.Done():
			return
		case waiting = <-reqs:
		case c, ok := <-in:
			if !ok {
				if b.empty() {
					return
				}
				if waiting == nil {
					select {
					case waiting = <-q.reqs:
					case <-ctx.Done():
						return
					}
				}
				give()
				return
			}
			if b.empty() {
				b.first = time.Now()
				if quiet == nil {
					quiet, limit = time.NewTimer(delay), time.NewTimer(maxDelay)
				} else {
					quiet.Reset(delay)
					limit.Reset(maxDelay)
				}
				quietC, limitC = quiet.C, limit.C
			} else if quietC != nil {
				quiet.Reset(delay)
			}
			b.add(c)
		case <-quietC:
			ready = true
			stop()
		case <-limitC:
			ready = true
			stop()
		}
	}
}

// Coalesce returns the paths of set, sorted, without those under another
// path of the set ("" is the root and covers everything).
func Coalesce(set map[string]struct{}) []string {
	if _, ok := set[""]; ok {
		return []string{""}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		covered := false
		for d := path.Dir(p); d != "." && d != "/" && !covered; d = path.Dir(d) {
			_, covered = set[d]
		}
		if !covered {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}
