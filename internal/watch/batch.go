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
	// compared (Paths are then empty).
	Rescan bool
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
		for {
			var send chan<- Batch
			if ready {
				send = out
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
			case <-quietC:
				ready = true
				stop()
			case <-limitC:
				ready = true
				stop()
			case send <- b.peek():
				b = batcher{}
				ready = false
			}
		}
	}()
	return out
}

// batcher accumulates the changes of one batch.
type batcher struct {
	paths  map[string]struct{}
	rescan bool
	first  time.Time
}

func (b *batcher) empty() bool { return !b.rescan && len(b.paths) == 0 }

func (b *batcher) add(c Change) {
	if c.Rescan && c.Path == "" {
		b.rescan = true
		return
	}
	if b.paths == nil {
		b.paths = make(map[string]struct{})
	}
	b.paths[c.Path] = struct{}{}
}

// peek is the batch as it stands.
func (b *batcher) peek() Batch {
	if b.rescan {
		return Batch{Rescan: true, First: b.first}
	}
	return Batch{Paths: Coalesce(b.paths), First: b.first}
}

func (b *batcher) take() Batch {
	bt := b.peek()
	*b = batcher{}
	return bt
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
