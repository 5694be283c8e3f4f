package swarm

import "time"

// Progress is a snapshot of a fetch for --progress and --json.
type Progress struct {
	Done, Total int64 // chunk bytes written and queued so far
	Sources     []SourceProgress
}

// SourceProgress is one source's part of a Progress.
type SourceProgress struct {
	Name  string
	Bytes int64   // chunk bytes it delivered
	Rate  float64 // bytes a second, its recent measure
	Dead  bool    // dropped or banned
}

// progressEvery is how often FetchOptions.Progress is called.
const progressEvery = 500 * time.Millisecond

// snapshot returns the fetch's progress.
func (s *sched) snapshot() Progress {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := Progress{Done: s.doneBytes, Total: s.totalBytes}
	for _, src := range s.sources {
		p.Sources = append(p.Sources, SourceProgress{Name: src.name, Bytes: src.bytes, Rate: src.rate, Dead: src.dead})
	}
	return p
}

// report calls fn with a snapshot every progressEvery until done closes,
// and once more at the end.
func (s *sched) report(fn func(Progress), done <-chan struct{}) {
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	for {
		select {
		case <-done:
			fn(s.snapshot())
			return
		case <-t.C:
			fn(s.snapshot())
		}
	}
}
