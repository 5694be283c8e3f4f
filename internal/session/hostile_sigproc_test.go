package session

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ferrysync/ferry/internal/sender"
	"github.com/ferrysync/ferry/internal/wire"
)

// TestHostileSignatureMemoryProcess: two sessions of one process (a
// daemon's clients) each declare a request of 80 MiB of signature
// blocks, within the bound of one session, not of both: the second is
// dropped (its file goes whole), the process never reserves more than
// sender.MaxSigMemoryProcess, and what the sessions reserved comes back
// when they end with their requests unserved.
func TestHostileSignatureMemoryProcess(t *testing.T) {
	if n := sender.SigMemoryInUse(); n != 0 {
		t.Fatalf("%d bytes of signature memory in use before the test", n)
	}
	src := t.TempDir()
	must(t, os.WriteFile(filepath.Join(src, "f"), []byte("the file"), 0o644))
	must(t, os.WriteFile(filepath.Join(src, "g"), []byte("another"), 0o644))
	const count = (80 << 20) / (sender.SigBlockCost + 1)
	declare := func(h *hostile) {
		h.send(&wire.FileRequest{ID: 1, Path: "f", Flags: wire.ReqBasis, BlockLen: 1, StrongLen: 1, BlockCount: count, BasisSize: count},
			&wire.SigBlocks{ID: 1, StrongLen: 1, Blocks: []wire.Block{{Weak: 1, Strong: []byte{1}}}},
			&wire.FileRequest{ID: 2, Path: "g"})
		h.until(fileEnd(2)) // the request of f was read before g was served
	}
	a, b := pullFrom(t, src), pullFrom(t, src)
	declare(a)
	one := sender.SigMemoryInUse()
	if one != count*(sender.SigBlockCost+1) {
		t.Fatalf("%d bytes reserved for the first request, want its 80 MiB", one)
	}
	declare(b)
	if n := sender.SigMemoryInUse(); n != one || n > sender.MaxSigMemoryProcess {
		t.Errorf("%d bytes reserved after the second session's request, want still %d (at most %d)", n, one, sender.MaxSigMemoryProcess)
	}
	a.conn.Close()
	<-a.served
	b.conn.Close()
	<-b.served
	a.served <- nil // for the cleanups
	b.served <- nil
	if n := sender.SigMemoryInUse(); n != 0 {
		t.Errorf("%d bytes of signature memory still reserved after the sessions ended", n)
	}
}
