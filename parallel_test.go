package ferry

import (
	"errors"
	"testing"
)

// TestParallelProgress checks that the shards' progress events become
// one progress: the largest totals (each shard scans the whole source),
// the done counts added up.
func TestParallelProgress(t *testing.T) {
	var got []Progress
	a := &parallelEvents{user: func(ev Event) { got = append(got, ev.Progress) }, prog: make([]Progress, 2)}
	a.event(0, Event{Kind: EventTotals, Progress: Progress{FilesTotal: 10, BytesTotal: 100}})
	a.event(1, Event{Kind: EventProgress, Progress: Progress{FilesDone: 3, BytesDone: 40, FilesTotal: 10, BytesTotal: 100, ScanDone: true}})
	a.event(0, Event{Kind: EventProgress, Progress: Progress{FilesDone: 9, BytesDone: 60, FilesTotal: 10, BytesTotal: 100, ScanDone: true}})
	want := []Progress{
		{FilesTotal: 10, BytesTotal: 100},
		{FilesDone: 3, BytesDone: 40, FilesTotal: 10, BytesTotal: 100},
		{FilesDone: 10, BytesDone: 100, FilesTotal: 10, BytesTotal: 100, ScanDone: true}, // directories counted by both: capped
	}
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestJoinParallel(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name string
		errs []error
		want func(error) bool
	}{
		{"none", []error{nil, nil}, func(err error) bool { return err == nil }},
		{"partials add up", []error{&PartialError{Errors: 2, Vanished: 1}, nil, &PartialError{Errors: 1}}, func(err error) bool {
			var pe *PartialError
			return errors.As(err, &pe) && pe.Errors == 3 && pe.Vanished == 1
		}},
		{"a failure wins", []error{&PartialError{Errors: 1}, boom}, func(err error) bool { return errors.Is(err, boom) }},
		{"max-delete", []error{&MaxDeleteError{Skipped: 2}, &MaxDeleteError{Skipped: 3}}, func(err error) bool {
			var me *MaxDeleteError
			return errors.As(err, &me) && me.Skipped == 5
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := joinParallel(tc.errs); !tc.want(err) {
				t.Errorf("joinParallel = %v", err)
			}
		})
	}
}
