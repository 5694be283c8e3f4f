package session

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
	"github.com/zeebo/blake3"
	"golang.org/x/sys/unix"
)

// TestHandoff syncs with a Handoff shared by both roles, as a local sync
// does: the files arrive whole (new, replaced, in place, hard-linked), and
// their data never crosses the connection.
func TestHandoff(t *testing.T) {
	big := string(randomBytes(3 << 20))
	for _, tc := range []struct {
		name string
		cfg  func(*Config)
		old  map[string]string // destination before the run
	}{
		{name: "new"},
		{name: "replace", old: map[string]string{"a.txt": "old and longer than the new one", "d/big": "x"}},
		{name: "inplace", cfg: func(c *Config) { c.Inplace = true }, old: map[string]string{"a.txt": "old and longer than the new one"}},
		{name: "hardlinks", cfg: func(c *Config) { c.HardLinks = true }},
	} {
		for _, role := range []string{"pull", "push"} {
			t.Run(tc.name+"/"+role, func(t *testing.T) {
				src, dst := t.TempDir(), t.TempDir()
				writeTree(t, src, map[string]string{"a.txt": "hello", "empty": "", "d/big": big, "d/e/f": "deep"})
				must(t, os.Link(filepath.Join(src, "d/e/f"), filepath.Join(src, "g")))
				setTimes(t, src)
				writeTree(t, dst, tc.old)
				cfg := archive()
				cfg.WholeFile = true
				if tc.cfg != nil {
					tc.cfg(&cfg)
				}
				cfg.Handoff = NewHandoff()
				defer cfg.Handoff.Close()
				run := runner(role)
				s := run(t, cfg, 64<<10, dst, src+"/")
				st := s.pass()
				s.close()
				sameTree(t, src, dst, true)
				if want := uint64(len(big) + 5 + 4 + 4); st.LiteralBytes != want && !(cfg.HardLinks && st.LiteralBytes == want-4) {
					t.Errorf("literal bytes %d, want %d", st.LiteralBytes, want)
				}
				if wire := st.BytesSent + st.BytesReceived; wire > 64<<10 {
					t.Errorf("%d bytes crossed the connection: the data did not go by handoff", wire)
				}
				if n := len(cfg.Handoff.fds); n != 0 {
					t.Errorf("%d descriptors left in the handoff", n)
				}
				if leftovers, _ := filepath.Glob(filepath.Join(dst, "*.ferry*")); len(leftovers) > 0 {
					t.Errorf("temp files left: %q", leftovers)
				}
			})
		}
	}
}

// TestHandoffNeedsCapability checks that a Handoff message from a peer that
// did not negotiate local-handoff is a protocol error, and that one for an
// unknown file is too.
func TestHandoffNeedsCapability(t *testing.T) {
	dst := t.TempDir()
	for _, tc := range []struct {
		name string
		ho   *Handoff
	}{{"no-capability", nil}, {"unknown-id", NewHandoff()}} {
		t.Run(tc.name, func(t *testing.T) {
			r := &receiver{peer: &peer{c: &conn{handoff: tc.ho != nil}, cfg: Config{Handoff: tc.ho}}, jobs: map[uint64]*job{}, dst: dst}
			err := r.handle(&wire.Handoff{ID: 7, Size: 10})
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
	r := &receiver{peer: &peer{c: &conn{handoff: true}, cfg: Config{Handoff: NewHandoff()}, client: true}, jobs: map[uint64]*job{}, byPath: map[string]*job{},
		slots: make(chan struct{}, 1)}
	r.slots <- struct{}{}
	r.jobs[7] = &job{r: r, id: 7, s: &tree.Entry{Path: "f"}}
	r.pending.Add(1)
	if err := r.handle(&wire.Handoff{ID: 7, Size: 10}); err == nil {
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
	r := &receiver{peer: &peer{c: &conn{done: done}, client: true}, jobs: map[uint64]*job{}, byPath: map[string]*job{},
		slots: make(chan struct{}, 1), copies: make(chan handoffCopy, 1)}
	r.slots <- struct{}{}
	pr, pw, err := os.Pipe()
	must(t, err)
	defer pw.Close()
	fd, err := unix.Dup(int(pr.Fd()))
	must(t, err)
	pr.Close()
	j := &job{r: r, id: 3, s: &tree.Entry{Path: "big"}}
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
	ho := NewHandoff()
	r := &receiver{peer: &peer{c: &conn{handoff: true}, cfg: Config{Handoff: ho}, client: true}, jobs: map[uint64]*job{}, byPath: map[string]*job{},
		slots: make(chan struct{}, 1)}
	r.slots <- struct{}{}
	h := hashers.Get().(*blake3.Hasher)
	j := &job{r: r, id: 7, s: &tree.Entry{Path: "f"}}
	j.hw = &hashWriter{w: io.Discard, h: h, fh: newFileHash(h, pipeHashMin)}
	j.hw.Write([]byte("some data"))
	r.jobs[7] = j
	r.pending.Add(1)
	pr, pw, err := os.Pipe()
	must(t, err)
	defer pw.Close()
	fd, err := unix.Dup(int(pr.Fd()))
	must(t, err)
	pr.Close()
	ho.put(7, fd)
	if err := r.handle(&wire.Handoff{ID: 7, Size: 10}); err == nil || !strings.Contains(err.Error(), "after its data") {
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
