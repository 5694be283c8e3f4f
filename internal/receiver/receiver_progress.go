package receiver

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/wire"
)

// progress tracks a receiver's bytes written to files in flight, for
// progress reports.
type progress struct {
	// mu guards the fields that follow.
	mu      sync.Mutex
	written map[uint64]*countWriter // by job id, the latest attempt
	last    role.Progress           // last reported (reports never go down)
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n atomic.Int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// counted wraps the writer of job j's data so that progress reports see
// the bytes written; the first attempt also reports the file's start.
func (j *job) counted(w io.Writer) io.Writer {
	r := j.r
	cw := &countWriter{w: w}
	r.prog.mu.Lock()
	if r.prog.written == nil {
		r.prog.written = map[uint64]*countWriter{}
	}
	_, retry := r.prog.written[j.ID]
	r.prog.written[j.ID] = cw
	r.prog.mu.Unlock()
	if !retry && r.Client {
		r.Emit(role.Event{Kind: role.EventStarted, Path: j.s.Path, Size: j.s.Size})
	}
	return cw
}

// snapshot returns the receiver's progress: entries considered and their
// bytes, less what files in flight have yet to write.
func (r *Engine) snapshot() role.Progress {
	r.mu.Lock()
	pr := role.Progress{Files: r.stats.Files, Bytes: r.stats.TotalSize}
	inflight := make(map[uint64]int64, len(r.jobs)+len(r.copying))
	for id, j := range r.jobs {
		inflight[id] = j.s.Size
	}
	for id, j := range r.copying { // handoff hook (handoff.go)
		inflight[id] = j.s.Size
	}
	r.mu.Unlock()
	r.prog.mu.Lock()
	defer r.prog.mu.Unlock()
	for id := range r.prog.written {
		if _, ok := inflight[id]; !ok {
			delete(r.prog.written, id)
		}
	}
	for id, size := range inflight {
		var w int64
		if cw := r.prog.written[id]; cw != nil {
			w = min(cw.n.Load(), size)
		}
		pr.Files = subFloor(pr.Files, 1)
		pr.Bytes = subFloor(pr.Bytes, uint64(size-w))
	}
	pr.Files = max(pr.Files, r.prog.last.Files)
	pr.Bytes = max(pr.Bytes, r.prog.last.Bytes)
	r.prog.last = pr
	return pr
}

func subFloor(a, b uint64) uint64 {
	if b > a {
		return 0
	}
	return a - b
}

// startProgress reports the receiver's progress every totalsInterval
// while the pass runs; the returned function stops it and waits.
func (r *Engine) startProgress(ctx context.Context) (stop func()) {
	if !r.WantsTotals() {
		return func() {}
	}
	r.prog.mu.Lock()
	r.prog.last = role.Progress{}
	r.prog.mu.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(role.TotalsInterval)
		defer t.Stop()
		var prev role.Progress
		for {
			select {
			case <-ctx.Done():
				return
			case <-r.Link.Done():
				return
			case <-t.C:
			}
			if pr := r.snapshot(); pr != prev {
				prev = pr
				r.ReportTotals(wire.TotalsDone, pr)
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
