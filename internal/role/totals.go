package role

import (
	"time"

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

// TotalsInterval bounds the rate of Totals messages and progress events.
const TotalsInterval = 200 * time.Millisecond

// GotTotals turns a Totals message from the peer into an event; it runs on
// the reader goroutine.
func (p *Peer) GotTotals(m *wire.Totals) {
	if !p.Client {
		return
	}
	pr := Progress{Files: m.Files, Bytes: m.Bytes, Complete: m.Complete}
	switch m.Kind {
	case wire.TotalsScan:
		p.Emit(Event{Kind: EventTotals, Progress: pr})
	case wire.TotalsDone:
		p.Emit(Event{Kind: EventProgress, Progress: pr})
	}
}

// ReportTotals delivers counts: as an event on the client, as a Totals
// message to a client that asked for events on the server.
func (p *Peer) ReportTotals(kind uint64, pr Progress) {
	if p.Client {
		ek := EventTotals
		if kind == wire.TotalsDone {
			ek = EventProgress
		}
		p.Emit(Event{Kind: ek, Progress: pr})
		return
	}
	p.Link.Send(&wire.Totals{Kind: kind, Files: pr.Files, Bytes: pr.Bytes, Complete: pr.Complete})
}

// WantsTotals reports whether anyone will see progress counts.
func (p *Peer) WantsTotals() bool {
	if p.Cfg.NoTotals {
		return false
	}
	if p.Client {
		return p.OnEvent != nil
	}
	return p.Events
}
