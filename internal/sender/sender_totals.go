package sender

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
)

// startTotalsScan walks the pass's sources a second time, cheaply (no
// checksums), in its own goroutine, reporting running totals at most
// every totalsInterval and once when complete. The returned function
// stops the scan and waits for it.
func (s *Engine) startTotalsScan(ctx context.Context, pb *wire.PassBegin) (stop func()) {
	if !s.WantsTotals() || pb.DeleteOnly {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		var pr role.Progress
		last := time.Now()
		count := func(e *tree.Entry) {
			pr.Files++
			if e.Type == tree.TypeFile {
				pr.Bytes += uint64(e.Size)
			}
			if now := time.Now(); now.Sub(last) >= role.TotalsInterval {
				last = now
				s.ReportTotals(wire.TotalsScan, pr)
			}
		}
		if s.scan(ctx, pb.Paths, count) == nil {
			pr.Complete = true
			s.ReportTotals(wire.TotalsScan, pr)
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// scan calls count for every entry the pass would send. Overlapping
// sources are counted once per source.
func (s *Engine) scan(ctx context.Context, paths []string, count func(*tree.Entry)) error {
	starts := []string{""}
	if len(paths) > 0 {
		starts = role.NormalizePaths(paths)
	}
	for _, start := range starts {
		for _, src := range s.srcs {
			if start != "" && !src.covers(start) {
				continue
			}
			o := src.walkOptions(start, &s.Cfg, s.filter)
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
func (s *Engine) started(r *request, size int64) {
	if !s.Client || s.OnEvent == nil {
		return
	}
	s.Emit(role.Event{Kind: role.EventStarted, Path: r.Path, Size: size})
}
