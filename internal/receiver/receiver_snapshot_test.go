package receiver

import (
	"bytes"
	"testing"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/tree"
)

func TestSnapshot(t *testing.T) {
	var sink bytes.Buffer
	r := &Engine{Peer: role.NewPeer(nil, role.Config{}, false, nil), jobs: map[uint64]*job{}}
	r.stats.Files, r.stats.TotalSize = 10, 5000
	// Two files in flight: 1000 bytes with 250 written, 2000 with none.
	j1 := &job{r: r, ID: 1, s: &tree.Entry{Path: "x", Size: 1000}}
	j2 := &job{r: r, ID: 2, s: &tree.Entry{Path: "y", Size: 2000}}
	r.jobs[1], r.jobs[2] = j1, j2
	w := j1.counted(&sink)
	w.Write(make([]byte, 250))
	if got, want := r.snapshot(), (role.Progress{Files: 8, Bytes: 5000 - 750 - 2000}); got != want {
		t.Fatalf("in flight: %+v, want %+v", got, want)
	}
	// A retry restarts the count; reports never go down.
	j1.counted(&sink).Write(make([]byte, 100))
	if got, want := r.snapshot(), (role.Progress{Files: 8, Bytes: 2250}); got != want {
		t.Fatalf("after retry: %+v, want %+v", got, want)
	}
	// Both done.
	delete(r.jobs, 1)
	delete(r.jobs, 2)
	if got, want := r.snapshot(), (role.Progress{Files: 10, Bytes: 5000}); got != want {
		t.Fatalf("done: %+v, want %+v", got, want)
	}
	if len(r.prog.written) != 0 {
		t.Fatalf("finished jobs still tracked: %v", r.prog.written)
	}
	// Overwriting (writing more than the size) never counts beyond it.
	r.jobs[3] = &job{r: r, ID: 3, s: &tree.Entry{Path: "z", Size: 10}}
	r.stats.Files, r.stats.TotalSize = 11, 5010
	r.jobs[3].counted(&sink).Write(make([]byte, 50))
	if got, want := r.snapshot(), (role.Progress{Files: 10, Bytes: 5010}); got != want {
		t.Fatalf("overwrite: %+v, want %+v", got, want)
	}
}
