package cli

import (
	"io"

	"github.com/ferrysync/ferry"
	"golang.org/x/term"
)

// eventSink routes a run's events to the text renderer, the --progress
// line and the --json writer, and ends them when the run is over.
type eventSink struct {
	text *renderer
	log  *logFile      // nil without --log-file
	bar  *progressLine // nil without --progress
	js   *jsonWriter   // nil without --json
	dry  bool
}

// newEventSink builds the outputs o asks for. With --json, stdout carries
// only JSON: -v and -i lines are off (errors still go to stderr as text).
func newEventSink(o *syncOptions, text *renderer, stdout, stderr io.Writer) *eventSink {
	s := &eventSink{text: text, dry: o.sync.DryRun}
	if o.json {
		s.js = newJSONWriter(stdout)
		text.mode, text.quiet, text.jsonOnly = outputNone, true, true // stdout is the JSON stream; errors still go to stderr
	}
	if o.progress {
		s.bar = newProgressLine(stderr, isTerminal(stderr), realClock{})
		s.bar.human = numbers(o.human)
	}
	return s
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// event handles one event.
func (s *eventSink) event(ev ferry.Event) {
	if s.bar != nil && s.prints(ev) {
		s.bar.clear()
	}
	s.text.event(ev)
	if s.js != nil {
		s.js.event(ev)
	}
	if s.log != nil {
		s.log.event(ev)
	}
	if s.bar != nil {
		s.bar.event(ev)
	}
}

// prints reports whether the text renderer prints something for ev.
func (s *eventSink) prints(ev ferry.Event) bool {
	switch ev.Kind {
	case ferry.EventFileError:
		return true
	case ferry.EventFileDone, ferry.EventDelete:
		return s.text.mode != outputNone || s.text.outFmt != nil
	case ferry.EventNotice:
		return !s.text.quiet
	case ferry.EventListed:
		return !s.text.jsonOnly
	}
	return false
}

// finish ends the progress line and writes the JSON stats.
func (s *eventSink) finish(st ferry.Stats, err error, code int) {
	if s.bar != nil {
		s.bar.finish(st, err == nil || code == ExitPartial || code == ExitVanished)
	}
	if s.js != nil {
		s.js.stats(st, s.dry, code, err)
	}
	if s.log != nil {
		s.log.finish(st, code)
	}
}
