package ferry

import "github.com/ferrysync/ferry/internal/session"

// Progress is a run's progress so far, carried by EventProgress and
// EventTotals. The totals come from a scan of the sources that runs ahead
// of the transfer (without checksums), so they grow while the transfer
// starts; ScanDone says they are final. Done counts include unchanged
// entries once they are checked, so BytesDone reaches BytesTotal at the
// end even when little is transferred.
type Progress struct {
	FilesDone  int64 // entries finished: checked and, if needed, transferred
	BytesDone  int64 // regular-file bytes of those, plus what files in flight have written
	FilesTotal int64 // entries the scan has counted so far
	BytesTotal int64 // regular-file bytes the scan has counted so far
	ScanDone   bool  // the scan is complete: FilesTotal and BytesTotal are final
}

// progressState merges scan totals and done counts; events reach it one
// at a time, so it needs no lock.
type progressState struct {
	p Progress
}

// progressEvent handles the session's progress events and reports whether
// ev was one.
func (c *eventCounter) progressEvent(ev session.Event) bool {
	var out Event
	switch ev.Kind {
	case session.EventStarted:
		out = Event{Kind: EventFileStart, Path: ev.Path, Size: ev.Size}
	case session.EventTotals:
		c.prog.p.FilesTotal, c.prog.p.BytesTotal = int64(ev.Progress.Files), int64(ev.Progress.Bytes)
		c.prog.p.ScanDone = ev.Progress.Complete
		out = Event{Kind: EventTotals, Progress: c.prog.p}
	case session.EventProgress:
		c.prog.p.FilesDone, c.prog.p.BytesDone = int64(ev.Progress.Files), int64(ev.Progress.Bytes)
		out = Event{Kind: EventProgress, Progress: c.prog.p}
	default:
		return false
	}
	if c.user != nil {
		c.user(out)
	}
	return true
}
