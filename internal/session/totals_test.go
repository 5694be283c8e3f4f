package session

import (
	"bytes"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
)

// progressTree is a source with 3 regular files (1000 bytes), a
// directory and a symlink: 6 entries with the root.
func progressTree(t *testing.T) string {
	t.Helper()
	src := t.TempDir()
	writeTree(t, src, map[string]string{
		"a":     strings.Repeat("a", 100),
		"d/b":   strings.Repeat("b", 300),
		"d/c":   strings.Repeat("c", 600),
		"d/sym": "->b",
	})
	return src
}

func TestScanCountsWhatThePassSends(t *testing.T) {
	src := progressTree(t)
	cases := []struct {
		name    string
		op      string
		paths   []string
		filters []string
		files   uint64
		bytes   uint64
	}{
		{"contents", src + "/", nil, nil, 6, 1000},
		{"dir itself", src, nil, nil, 6, 1000},
		{"excluded", src + "/", nil, []string{"- c"}, 5, 400},
		{"pass paths", src + "/", []string{"d/b", "a"}, nil, 2, 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := archive()
			cfg.Filters = c.filters
			s, err := newSender(newPeer(nil, cfg, true, nil), []string{c.op})
			if err != nil {
				t.Fatal(err)
			}
			defer s.close()
			var got Progress
			err = s.scan(t.Context(), c.paths, func(e *tree.Entry) {
				got.Files++
				if e.Type == tree.TypeFile {
					got.Bytes += uint64(e.Size)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if got.Files != c.files || got.Bytes != c.bytes {
				t.Fatalf("scan counted %d entries, %d bytes; want %d, %d", got.Files, got.Bytes, c.files, c.bytes)
			}
		})
	}
}

// progressEvents checks the progress events of a finished pass: totals
// never go down and, when complete, are exact; every transferred file was
// started once with its size.
func progressEvents(t *testing.T, s *syncer, files, bytes uint64, started map[string]int64) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var last Progress
	got := map[string]int64{}
	var order []string
	for _, ev := range s.events {
		switch ev.Kind {
		case EventTotals:
			if ev.Progress.Files < last.Files || ev.Progress.Bytes < last.Bytes {
				t.Errorf("totals went down: %+v after %+v", ev.Progress, last)
			}
			last = ev.Progress
			if ev.Progress.Complete && (ev.Progress.Files != files || ev.Progress.Bytes != bytes) {
				t.Errorf("complete totals %+v, want %d files, %d bytes", ev.Progress, files, bytes)
			}
		case EventStarted:
			if _, dup := got[ev.Path]; dup {
				t.Errorf("%s started twice", ev.Path)
			}
			got[ev.Path] = ev.Size
			order = append(order, ev.Path)
		case EventProgress:
			if ev.Progress.Bytes > bytes || ev.Progress.Files > files {
				t.Errorf("progress %+v beyond the totals", ev.Progress)
			}
		}
	}
	sort.Strings(order)
	if len(got) != len(started) {
		t.Errorf("started %v, want %v", order, started)
	}
	for p, size := range started {
		if g, ok := got[p]; !ok || g != size {
			t.Errorf("%s: started with size %d (seen %v), want %d", p, g, ok, size)
		}
	}
}

func TestProgressEventsPull(t *testing.T) {
	src := progressTree(t)
	dst := filepath.Join(t.TempDir(), "dst")
	s := pull(t, archive(), 1<<16, dst, src+"/")
	s.pass()
	progressEvents(t, s, 6, 1000, map[string]int64{"a": 100, "d/b": 300, "d/c": 600})
	s.close()
}

func TestProgressEventsPush(t *testing.T) {
	src := progressTree(t)
	dst := filepath.Join(t.TempDir(), "dst")
	s := push(t, archive(), 1<<16, dst, src+"/")
	s.pass()
	progressEvents(t, s, 6, 1000, map[string]int64{"a": 100, "d/b": 300, "d/c": 600})
	s.close()
}

func TestGotTotals(t *testing.T) {
	cases := []struct {
		name   string
		client bool
		m      wire.Totals
		want   []Event
	}{
		{"scan", true, wire.Totals{Kind: wire.TotalsScan, Files: 3, Bytes: 9, Complete: true},
			[]Event{{Kind: EventTotals, Progress: Progress{Files: 3, Bytes: 9, Complete: true}}}},
		{"done", true, wire.Totals{Kind: wire.TotalsDone, Files: 2, Bytes: 5},
			[]Event{{Kind: EventProgress, Progress: Progress{Files: 2, Bytes: 5}}}},
		{"unknown kind", true, wire.Totals{Kind: 9, Files: 2}, nil},
		{"server ignores", false, wire.Totals{Kind: wire.TotalsScan, Files: 2}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []Event
			p := newPeer(nil, Config{}, c.client, func(ev Event) { got = append(got, ev) })
			p.gotTotals(&c.m)
			if len(got) != len(c.want) || (len(got) == 1 && got[0] != c.want[0]) {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestSnapshot(t *testing.T) {
	var sink bytes.Buffer
	r := &receiver{peer: newPeer(nil, Config{}, false, nil), jobs: map[uint64]*job{}}
	r.stats.Files, r.stats.TotalSize = 10, 5000
	// Two files in flight: 1000 bytes with 250 written, 2000 with none.
	j1 := &job{r: r, id: 1, s: &tree.Entry{Path: "x", Size: 1000}}
	j2 := &job{r: r, id: 2, s: &tree.Entry{Path: "y", Size: 2000}}
	r.jobs[1], r.jobs[2] = j1, j2
	w := j1.counted(&sink)
	w.Write(make([]byte, 250))
	if got, want := r.snapshot(), (Progress{Files: 8, Bytes: 5000 - 750 - 2000}); got != want {
		t.Fatalf("in flight: %+v, want %+v", got, want)
	}
	// A retry restarts the count; reports never go down.
	j1.counted(&sink).Write(make([]byte, 100))
	if got, want := r.snapshot(), (Progress{Files: 8, Bytes: 2250}); got != want {
		t.Fatalf("after retry: %+v, want %+v", got, want)
	}
	// Both done.
	delete(r.jobs, 1)
	delete(r.jobs, 2)
	if got, want := r.snapshot(), (Progress{Files: 10, Bytes: 5000}); got != want {
		t.Fatalf("done: %+v, want %+v", got, want)
	}
	if len(r.prog.written) != 0 {
		t.Fatalf("finished jobs still tracked: %v", r.prog.written)
	}
	// Overwriting (writing more than the size) never counts beyond it.
	r.jobs[3] = &job{r: r, id: 3, s: &tree.Entry{Path: "z", Size: 10}}
	r.stats.Files, r.stats.TotalSize = 11, 5010
	r.jobs[3].counted(&sink).Write(make([]byte, 50))
	if got, want := r.snapshot(), (Progress{Files: 10, Bytes: 5010}); got != want {
		t.Fatalf("overwrite: %+v, want %+v", got, want)
	}
}
