package session

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"time"

	"github.com/ferrysync/ferry/internal/wire"
)

// cpuTime is the process's user and system CPU time so far.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	must(t, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// pushTo starts a hostile push of one file of size bytes into dst, which
// holds a basis for it, and returns the session once the receiver asked
// for the file with its signature.
func pushTo(t *testing.T, dst string, size int64) (*hostile, *wire.FileRequest) {
	h := serveHostile(t, &wire.Run{Role: wire.RoleReceiver, Paths: []string{dst}, Flags: wire.FlagRecursive, Seed: 1})
	h.send(&wire.PassBegin{Pass: 0},
		&wire.Entries{Entries: []wire.Entry{{Path: ".", Type: 2, Mode: 0o755}, {Path: "f", Type: 1, Mode: 0o644, Size: size, MTime: 1}}},
		&wire.EntriesEnd{Pass: 0})
	req := h.until(func(m wire.Message) bool { _, ok := m.(*wire.FileRequest); return ok }).(*wire.FileRequest)
	if req.Flags&wire.ReqBasis == 0 {
		t.Fatalf("request %+v without a basis", req)
	}
	return h, req
}

// TestHostileRefineWork sends RefineSigs of one-block regions of 64 KiB
// with hints over the whole basis: each asked for 384 KiB of scanning and
// up to 4 MiB of hashing for 19 bytes on the wire. The receiver refuses the
// first with a Fatal before it scans anything.
func TestHostileRefineWork(t *testing.T) {
	dst := t.TempDir()
	const size = 8 << 20
	must(t, os.WriteFile(filepath.Join(dst, "f"), make([]byte, size), 0o644))
	h, req := pushTo(t, dst, size)
	// A block found nowhere: the whole hint range is scanned.
	rg := wire.RefineRegion{BlockLen: 64 << 10, Hints: []wire.RefineRange{{Off: 0, Len: 3 * 64 << 10}},
		Weak: []uint32{1}, Strong: []byte{1}}
	regions := make([]wire.RefineRegion, 2000)
	for i := range regions {
		regions[i] = rg
	}
	before := cpuTime(t)
	sig := &wire.RefineSig{ID: req.ID, StrongLen: 1, Regions: regions}
	h.send(sig)
	m := h.until(func(m wire.Message) bool {
		_, f := m.(*wire.Fatal)
		_, a := m.(*wire.RefineMatch)
		return f || a
	})
	t.Logf("CPU for a %d-region RefineSig (%d bytes): %v", len(regions), len(sig.AppendTo(nil)), cpuTime(t)-before)
	if f, ok := m.(*wire.Fatal); !ok || !strings.Contains(f.Message, "work") {
		t.Errorf("got %T %+v, want a Fatal about the work asked", m, m)
	}
}
