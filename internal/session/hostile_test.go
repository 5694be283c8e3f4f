package session

import (
	"context"

	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/sender"
	"github.com/ferrysync/ferry/internal/transport"
	"github.com/ferrysync/ferry/internal/wire"
)

// hostile is a hand-written peer of a serving session: raw frames, no
// engine of its own (docs/PROTOCOL.md, "Limits").
type hostile struct {
	t      *testing.T
	fw     *wire.FrameWriter
	fr     *wire.FrameReader
	conn   interface{ Close() error }
	served chan error
}

// serveHostile starts Serve on one end of a pipe and greets it from the
// other, as the client of run.
func serveHostile(t *testing.T, run *wire.Run) *hostile {
	t.Helper()
	a, b := transport.Pipe(64 << 10)
	h := &hostile{t: t, fw: wire.NewFrameWriter(a), fr: wire.NewFrameReader(a), conn: a, served: make(chan error, 1)}
	go func() { h.served <- Serve(context.Background(), b, ServeOptions{}) }()
	t.Cleanup(func() { a.Close(); <-h.served })
	must(t, wire.WriteHello(h.fw, localHello()))
	if _, err := wire.ReadHello(h.fr); err != nil {
		t.Fatal(err)
	}
	h.send(run)
	return h
}

// send writes and flushes ms.
func (h *hostile) send(ms ...wire.Message) {
	h.t.Helper()
	for _, m := range ms {
		must(h.t, h.fw.WriteMsg(m))
	}
	must(h.t, h.fw.Flush())
}

// until reads messages up to the first one for which stop is true.
func (h *hostile) until(stop func(wire.Message) bool) wire.Message {
	h.t.Helper()
	for {
		m, err := h.fr.ReadMsg()
		if err != nil {
			h.t.Fatalf("reading from the server: %v", err)
		}
		if stop(m) {
			return m
		}
	}
}

// fatal reads up to the session's end and returns the Fatal the server
// sent, or fails.
func (h *hostile) fatal() *wire.Fatal {
	h.t.Helper()
	for {
		m, err := h.fr.ReadMsg()
		if err != nil {
			h.t.Fatalf("the session ended without a Fatal: %v", err)
		}
		if f, ok := m.(*wire.Fatal); ok {
			return f
		}
	}
}

// heap returns the live heap after a collection.
func heap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func isEntriesEnd(m wire.Message) bool { _, ok := m.(*wire.EntriesEnd); return ok }

func fileEnd(id uint64) func(wire.Message) bool {
	return func(m wire.Message) bool { fe, ok := m.(*wire.FileEnd); return ok && fe.ID == id }
}

// pullFrom starts a hostile pull of src and reads its entry stream.
func pullFrom(t *testing.T, src string) *hostile {
	h := serveHostile(t, &wire.Run{Role: wire.RoleSender, Paths: []string{src + "/"}, Flags: wire.FlagRecursive, Seed: 1})
	h.send(&wire.Credit{N: 1000}, &wire.PassBegin{Pass: 0})
	h.until(isEntriesEnd)
	return h
}

// TestHostileSignatureMemory declares a request of 13 million one-byte
// blocks (64 MiB on the wire, about 500 MiB as the sender stored them
// before) and checks that the sender holds at most MaxSigMemory for them
// and still serves the file, whole.
func TestHostileSignatureMemory(t *testing.T) {
	src := t.TempDir()
	must(t, os.WriteFile(filepath.Join(src, "f"), []byte("the file"), 0o644))
	must(t, os.WriteFile(filepath.Join(src, "g"), []byte("another"), 0o644))
	h := pullFrom(t, src)

	const per = 200_000 // 5 bytes each: within a frame
	const frames = 64
	blocks := make([]wire.Block, per)
	strong := make([]byte, per)
	for i := range blocks {
		blocks[i] = wire.Block{Weak: uint32(i), Strong: strong[i : i+1]}
	}
	before := heap()
	h.send(&wire.FileRequest{ID: 1, Path: "f", Flags: wire.ReqBasis, BlockLen: 1, StrongLen: 1,
		BlockCount: per*frames + 1, BasisSize: per*frames + 1})
	for range frames {
		h.send(&wire.SigBlocks{ID: 1, StrongLen: 1, Blocks: blocks})
	}
	// A request after them: once it is served, the sender has read them all.
	h.send(&wire.FileRequest{ID: 2, Path: "g"})
	h.until(fileEnd(2))
	held := int64(heap()) - int64(before)
	t.Logf("heap held for %d MiB of signature blocks: %d MiB", frames*per*5>>20, held>>20)
	if held > sender.MaxSigMemory/2 {
		t.Errorf("the sender holds %d MiB for a request's signature blocks, want at most %d MiB", held>>20, sender.MaxSigMemory>>21)
	}
	h.send(&wire.SigBlocks{ID: 1, StrongLen: 1, Blocks: blocks[:1]})
	m := h.until(func(m wire.Message) bool {
		_, end := m.(*wire.FileEnd)
		_, fe := m.(*wire.FileError)
		return end || fe
	})
	if fe, ok := m.(*wire.FileEnd); !ok || fe.ID != 1 || fe.Size != int64(len("the file")) {
		t.Fatalf("the request past the signature bound ended with %+v, want its FileEnd", m)
	}
}

// TestHostileSignatureBadPath: a request with signature blocks for a path
// that cannot be valid ends the session with a Fatal before any block is
// stored.
func TestHostileSignatureBadPath(t *testing.T) {
	h := pullFrom(t, t.TempDir())
	h.send(&wire.FileRequest{ID: 1, Path: "../x", Flags: wire.ReqBasis, BlockLen: 1, StrongLen: 1, BlockCount: 1 << 30, BasisSize: 1 << 30})
	if f := h.fatal(); !strings.Contains(f.Message, "bad path") {
		t.Errorf("Fatal %+v, want one naming the bad path", f)
	}
}

// TestHostileCreditWrap: credits that add up past 2^63 saturate instead
// of wrapping the sender's window to zero (which stalled it).
func TestHostileCreditWrap(t *testing.T) {
	src := t.TempDir()
	must(t, os.WriteFile(filepath.Join(src, "f"), nil, 0o644))
	h := serveHostile(t, &wire.Run{Role: wire.RoleSender, Paths: []string{src + "/"}, Flags: wire.FlagRecursive, Seed: 1})
	h.send(&wire.Credit{N: 1 << 63}, &wire.Credit{N: 1 << 63}, &wire.PassBegin{Pass: 0})
	h.until(isEntriesEnd)
}

// openFDs counts the process's open descriptors.
func openFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

// TestHostileOperands: a pull naming the same directory MaxRunSources
// times holds one descriptor for it, not one per operand; one operand more
// is refused with a Fatal.
func TestHostileOperands(t *testing.T) {
	src := t.TempDir()
	must(t, os.WriteFile(filepath.Join(src, "f"), []byte("x"), 0o644))
	ops := make([]string, wire.MaxRunSources)
	for i := range ops {
		ops[i] = src + "/."
	}
	before := openFDs(t)
	h := serveHostile(t, &wire.Run{Role: wire.RoleSender, Paths: ops, Seed: 1})
	h.send(&wire.Credit{N: 1 << 20}, &wire.PassBegin{Pass: 0})
	h.until(isEntriesEnd)
	held := openFDs(t) - before
	t.Logf("descriptors held by a session of %d operands: %d", len(ops), held)
	if held > 32 {
		t.Errorf("a session of %d operands of one directory holds %d descriptors", len(ops), held)
	}

	h = serveHostile(t, &wire.Run{Role: wire.RoleSender, Paths: append(ops, src+"/."), Seed: 1})
	if f := h.fatal(); !strings.Contains(f.Message, "source operands") {
		t.Errorf("Fatal %q, want one about the operand count", f.Message)
	}
}
