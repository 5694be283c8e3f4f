package receiver

import (
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/link"
	"github.com/ferrysync/ferry/internal/linktest"
	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
	"github.com/zeebo/blake3"
	"golang.org/x/sys/unix"
)

// TestHandoffNeedsCapability checks that a Handoff message from a peer that
// did not negotiate local-handoff is a protocol error, and that one for an
// unknown file is too.
func TestHandoffNeedsCapability(t *testing.T) {
	dst := t.TempDir()
	for _, tc := range []struct {
		name string
		ho   *role.Handoff
	}{{"no-capability", nil}, {"unknown-id", role.NewHandoff()}} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Engine{Peer: &role.Peer{Link: &linktest.Conn{Caps: link.Caps{Handoff: tc.ho != nil}}, Cfg: role.Config{Handoff: tc.ho}}, jobs: map[uint64]*job{}, dst: dst}
			err := r.Handle(&wire.Handoff{ID: 7, Size: 10})
			if err == nil || !strings.Contains(err.Error(), "handoff") {
				t.Fatalf("got %v, want a protocol error about the handoff", err)
			}
		})
	}
}

// TestHandoffWithoutDescriptor checks that a Handoff for an outstanding
// request whose descriptor is missing ends the job (a protocol error), so
// that waiting for the jobs does not hang.
func TestHandoffWithoutDescriptor(t *testing.T) {
	r := &Engine{Peer: &role.Peer{Link: &linktest.Conn{Caps: link.Caps{Handoff: true}}, Cfg: role.Config{Handoff: role.NewHandoff()}, Client: true}, jobs: map[uint64]*job{}, byPath: map[string]*job{},
		slots: make(chan struct{}, 1)}
	r.slots <- struct{}{}
	r.jobs[7] = &job{r: r, ID: 7, s: &tree.Entry{Path: "f"}}
	r.pending.Add(1)
	if err := r.Handle(&wire.Handoff{ID: 7, Size: 10}); err == nil {
		t.Fatal("no protocol error")
	}
	idle := make(chan struct{})
	go func() { r.pending.Wait(); close(idle) }()
	select {
	case <-idle:
	case <-time.After(5 * time.Second):
		t.Fatal("the job was never finished: waiting for the jobs hangs")
	}
}

// TestHandoffCopierStopsWhenDown checks that once the connection is down
// (a cancelled run) the copiers start no more copies: each queued file's
// job ends and its descriptor is closed.
func TestHandoffCopierStopsWhenDown(t *testing.T) {
	done := make(chan struct{})
	close(done)
	r := &Engine{Peer: &role.Peer{Link: &linktest.Conn{Closed: done}, Client: true}, jobs: map[uint64]*job{}, byPath: map[string]*job{},
		slots: make(chan struct{}, 1), copies: make(chan handoffCopy, 1)}
	r.slots <- struct{}{}
	pr, pw, err := os.Pipe()
	must(t, err)
	defer pw.Close()
	fd, err := unix.Dup(int(pr.Fd()))
	must(t, err)
	pr.Close()
	j := &job{r: r, ID: 3, s: &tree.Entry{Path: "big"}}
	r.pending.Add(1)
	r.copies <- handoffCopy{j: j, fd: fd, size: 1 << 30}
	close(r.copies)
	r.copiersDone.Add(1)
	r.copier()
	idle := make(chan struct{})
	go func() { r.pending.Wait(); close(idle) }()
	select {
	case <-idle:
	case <-time.After(5 * time.Second):
		t.Fatal("the queued job was not ended")
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil {
		t.Error("the handed-off descriptor is still open")
	}
}

// TestHandoffAfterData checks that a Handoff for a request that already
// got Data (its file half written) is a protocol error: the job ends, its
// hash stops, and the handed descriptor is closed, not copied after the
// data.
func TestHandoffAfterData(t *testing.T) {
	ho := role.NewHandoff()
	r := &Engine{Peer: &role.Peer{Link: &linktest.Conn{Caps: link.Caps{Handoff: true}}, Cfg: role.Config{Handoff: ho}, Client: true}, jobs: map[uint64]*job{}, byPath: map[string]*job{},
		slots: make(chan struct{}, 1)}
	r.slots <- struct{}{}
	h := hashers.Get().(*blake3.Hasher)
	j := &job{r: r, ID: 7, s: &tree.Entry{Path: "f"}}
	j.hw = &hashWriter{w: io.Discard, h: h, fh: role.NewFileHash(h, role.PipeHashMin)}
	j.hw.Write([]byte("some data"))
	r.jobs[7] = j
	r.pending.Add(1)
	pr, pw, err := os.Pipe()
	must(t, err)
	defer pw.Close()
	fd, err := unix.Dup(int(pr.Fd()))
	must(t, err)
	pr.Close()
	ho.Put(7, fd)
	if err := r.Handle(&wire.Handoff{ID: 7, Size: 10}); err == nil || !strings.Contains(err.Error(), "after its data") {
		t.Fatalf("got %v, want a protocol error", err)
	}
	r.pending.Wait() // the job was finished
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil {
		t.Error("the handed-off descriptor is still open")
	}
	if j.hw != nil {
		t.Error("the job's hash was not released")
	}
}
