package watch

import (
	"context"
	"path"
	"slices"
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

// Batches coalesces the changes from in into batches: a batch is ready
// once no change has arrived for delay, or maxDelay after its first
// change, whichever comes first. Changes that arrive while a ready batch
// waits to be received join it. The returned channel is closed when in is
// closed (after the last batch) or ctx is done.
func Batches(ctx context.Context, in <-chan Change, delay, maxDelay time.Duration) <-chan Batch {
	if delay <= 0 {
		delay = DefaultDelay
	}
	if maxDelay <= 0 {
		maxDelay = DefaultMaxDelay
	}
	out := make(chan Batch)
	go func() {
		defer close(out)
		var (
			b            batcher
			quiet, limit *time.Timer
			quietC       <-chan time.Time
			limitC       <-chan time.Time
			ready        bool
		)
		stop := func() {
			if quiet != nil {
				quiet.Stop()
				limit.Stop()
			}
			quietC, limitC = nil, nil
		}
		defer stop()
		// pending is the ready batch as last computed, at version
		// pendingV of the batch (v counts the changes added).
		var pending Batch
		v, pendingV := 0, -1
		for {
			var send chan<- Batch
			if ready {
				send = out
				if pendingV != v {
					pending, pendingV = b.peek(), v
				}
			}
			select {
			case <-ctx.Done():
				return
			case c, ok := <-in:
				if !ok {
					if !b.empty() {
						select {
						case out <- b.take():
						case <-ctx.Done():
						}
					}
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
				v++
			case <-quietC:
				ready = true
				stop()
			case <-limitC:
				ready = true
				stop()
			case send <- pending:
				b = batcher{}
				ready, pending = false, Batch{}
			}
		}
	}()
	return out
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
