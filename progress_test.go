package ferry

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ferrysync/ferry/internal/session"
)

func TestProgressEventMapping(t *testing.T) {
	var got []Event
	c := &eventCounter{user: func(ev Event) { got = append(got, ev) }}
	in := []session.Event{
		{Kind: session.EventStarted, Path: "a", Size: 10},
		{Kind: session.EventTotals, Progress: session.Progress{Files: 5, Bytes: 100}},
		{Kind: session.EventProgress, Progress: session.Progress{Files: 2, Bytes: 40}},
		{Kind: session.EventTotals, Progress: session.Progress{Files: 7, Bytes: 300, Complete: true}},
	}
	want := []Event{
		{Kind: EventFileStart, Path: "a", Size: 10},
		{Kind: EventTotals, Progress: Progress{FilesTotal: 5, BytesTotal: 100}},
		{Kind: EventProgress, Progress: Progress{FilesDone: 2, BytesDone: 40, FilesTotal: 5, BytesTotal: 100}},
		{Kind: EventTotals, Progress: Progress{FilesDone: 2, BytesDone: 40, FilesTotal: 7, BytesTotal: 300, ScanDone: true}},
	}
	for _, ev := range in {
		if !c.progressEvent(ev) {
			t.Fatalf("%v not handled", ev.Kind)
		}
	}
	if c.progressEvent(session.Event{Kind: session.EventChanged}) {
		t.Fatal("a change event was taken for progress")
	}
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestSyncReportsStartsAndTotals(t *testing.T) {
	src := t.TempDir()
	files := map[string]int{"a": 100, "d/b": 2000, "d/c": 0}
	for p, n := range files {
		full := filepath.Join(src, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(strings.Repeat("x", n)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	var evs []Event
	opts := DefaultOptions()
	opts.OnEvent = func(ev Event) { mu.Lock(); evs = append(evs, ev); mu.Unlock() }
	st, err := Sync(t.Context(), src+"/", filepath.Join(t.TempDir(), "dst"), opts)
	if err != nil {
		t.Fatal(err)
	}
	started := map[string]int64{}
	var last Progress
	for _, ev := range evs {
		switch ev.Kind {
		case EventFileStart:
			started[ev.Path] = ev.Size
		case EventTotals, EventProgress:
			p := ev.Progress
			if p.FilesTotal < last.FilesTotal || p.BytesTotal < last.BytesTotal || p.BytesDone < last.BytesDone {
				t.Errorf("progress went down: %+v after %+v", p, last)
			}
			if p.ScanDone && (p.FilesTotal != st.Files || p.BytesTotal != st.TotalSize) {
				t.Errorf("final totals %+v, stats say %d files, %d bytes", p, st.Files, st.TotalSize)
			}
			last = p
		}
	}
	// Empty files need no data and are not "started".
	want := map[string]int64{"a": 100, "d/b": 2000}
	if len(started) != len(want) || started["a"] != 100 || started["d/b"] != 2000 {
		t.Fatalf("started %v, want %v", started, want)
	}
}
