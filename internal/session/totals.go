package session

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
)

// Progress event kinds. They are numbered apart from the change kinds in
// config.go, which may grow.
const (
	// EventStarted: a regular file's transfer begins (Path, Size).
	EventStarted EventKind = 100 + iota
	// EventTotals: the scan ahead of the transfer has counted
	// Progress.Files entries and Progress.Bytes bytes so far; with
	// Progress.Complete, the counts are final.
	EventTotals
	// EventProgress: the receiver has finished Progress.Files entries and
	// Progress.Bytes bytes of regular files (unchanged files count as
	// finished once checked; files in flight count what was written).
	EventProgress
)

// Progress are the running counts of EventTotals and EventProgress.
type Progress struct {
	Files    uint64
	Bytes    uint64
	Complete bool
}

// totalsInterval bounds the rate of Totals messages and progress events.
const totalsInterval = 200 * time.Millisecond

// gotTotals turns a Totals message from the peer into an event; it runs on
// the reader goroutine.
func (p *peer) gotTotals(m *wire.Totals) {
	if !p.client {
		return
	}
	pr := Progress{Files: m.Files, Bytes: m.Bytes, Complete: m.Complete}
	switch m.Kind {
	case wire.TotalsScan:
		p.emit(Event{Kind: EventTotals, Progress: pr})
	case wire.TotalsDone:
		p.emit(Event{Kind: EventProgress, Progress: pr})
	}
}

// reportTotals delivers counts: as an event on the client, as a Totals
// message to a client that asked for events on the server.
func (p *peer) reportTotals(kind uint64, pr Progress) {
	if p.client {
		ek := EventTotals
		if kind == wire.TotalsDone {
			ek = EventProgress
		}
		p.emit(Event{Kind: ek, Progress: pr})
		return
	}
	p.c.send(&wire.Totals{Kind: kind, Files: pr.Files, Bytes: pr.Bytes, Complete: pr.Complete})
}

// wantsTotals reports whether anyone will see progress counts.
func (p *peer) wantsTotals() bool {
	if p.cfg.NoTotals {
		return false
	}
	if p.client {
		return p.onEvent != nil
	}
	return p.events
}

// startTotalsScan walks the pass's sources a second time, cheaply (no
// checksums), in its own goroutine, reporting running totals at most
// every totalsInterval and once when complete. The returned function
// stops the scan and waits for it.
func (s *sender) startTotalsScan(ctx context.Context, pb *wire.PassBegin) (stop func()) {
	if !s.wantsTotals() || pb.DeleteOnly {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		var pr Progress
		last := time.Now()
		count := func(e *tree.Entry) {
			pr.Files++
			if e.Type == tree.TypeFile {
				pr.Bytes += uint64(e.Size)
			}
			if now := time.Now(); now.Sub(last) >= totalsInterval {
				last = now
				s.reportTotals(wire.TotalsScan, pr)
			}
		}
		if s.scan(ctx, pb.Paths, count) == nil {
			pr.Complete = true
			s.reportTotals(wire.TotalsScan, pr)
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// scan calls count for every entry the pass would send. Overlapping
// sources are counted once per source.
func (s *sender) scan(ctx context.Context, paths []string, count func(*tree.Entry)) error {
	starts := []string{""}
	if len(paths) > 0 {
		starts = normalizePaths(paths)
	}
	for _, start := range starts {
		for _, src := range s.srcs {
			if start != "" && !src.covers(start) {
				continue
			}
			o := src.walkOptions(start, &s.cfg, s.filter)
			o.Checksum = false
			o.OnError = func(string, error) {}
			if err := scanOne(ctx, tree.NewWalker(src.root, o), count); err != nil {
				return err
			}
		}
	}
	return nil
}

func scanOne(ctx context.Context, w *tree.Walker, count func(*tree.Entry)) error {
	defer w.Close()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		e, err := w.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return nil // the transfer's walk reports it
		}
		count(e)
	}
}

// started reports the start of serving a file to a client-side sender's
// user.
func (s *sender) started(r *request, size int64) {
	if !s.client || s.onEvent == nil {
		return
	}
	s.emit(Event{Kind: EventStarted, Path: r.Path, Size: size})
}

// progress tracks a receiver's bytes written to files in flight, for
// progress reports.
type progress struct {
	// mu guards the fields that follow.
	mu      sync.Mutex
	written map[uint64]*countWriter // by job id, the latest attempt
	last    Progress                // last reported (reports never go down)
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
	_, retry := r.prog.written[j.id]
	r.prog.written[j.id] = cw
	r.prog.mu.Unlock()
	if !retry && r.client {
		r.emit(Event{Kind: EventStarted, Path: j.s.Path, Size: j.s.Size})
	}
	return cw
}

// snapshot returns the receiver's progress: entries considered and their
// bytes, less what files in flight have yet to write.
func (r *receiver) snapshot() Progress {
	r.mu.Lock()
	pr := Progress{Files: r.stats.Files, Bytes: r.stats.TotalSize}
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
func (r *receiver) startProgress(ctx context.Context) (stop func()) {
	if !r.wantsTotals() {
		return func() {}
	}
	r.prog.mu.Lock()
	r.prog.last = Progress{}
	r.prog.mu.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(totalsInterval)
		defer t.Stop()
		var prev Progress
		for {
			select {
			case <-ctx.Done():
				return
			case <-r.c.done:
				return
			case <-t.C:
			}
			if pr := r.snapshot(); pr != prev {
				prev = pr
				r.reportTotals(wire.TotalsDone, pr)
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
