package session

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"
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
