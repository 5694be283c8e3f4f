package session

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/transport"
	"github.com/ferrysync/ferry/internal/wire"
)

// TestHostileEntryWindow: a pusher that never answers its file requests,
// so that the receiver's merge stops taking entries, then sends its entry
// credit's worth of entries with 60 KiB strings (about 120 MiB held
// before) is cut off with a Fatal once the entries outstanding pass
// wire.MaxEntryWindow.
func TestHostileEntryWindow(t *testing.T) {
	h := serveHostile(t, &wire.Run{Role: wire.RoleReceiver, Paths: []string{t.TempDir()}, Flags: wire.FlagRecursive | wire.FlagLinks, Seed: 1})
	target := strings.Repeat("t", 60<<10)
	sent := make(chan int, 1)
	go func() { // the server ends the session mid-stream: errors are expected
		n := 0
		defer func() { sent <- n }()
		write := func(m wire.Message) bool { return h.fw.WriteMsg(m) == nil && h.fw.Flush() == nil }
		es := []wire.Entry{{Path: ".", Type: 2, Mode: 0o755}}
		for i := range 300 {
			es = append(es, wire.Entry{Path: fmt.Sprintf("f%04d", i), Type: 1, Mode: 0o644, Size: 1})
		}
		if !write(&wire.PassBegin{Pass: 0}) || !write(&wire.Entries{Entries: es}) {
			return
		}
		for i := range 1700 {
			e := wire.Entry{Path: fmt.Sprintf("l%04d", i), Type: 3, Mode: 0o777, LinkTarget: target}
			if !write(&wire.Entries{Entries: []wire.Entry{e}}) {
				return
			}
			n = i + 1
		}
	}()
	before := heap()
	f := h.fatal()
	held := int64(heap()) - int64(before)
	t.Logf("Fatal after %d link entries of 60 KiB; heap %d MiB", <-sent, held>>20)
	if !strings.Contains(f.Message, "entry window") {
		t.Errorf("Fatal %q, want one about the entry window", f.Message)
	}
}

// TestHostileEntryPath: an entry with an invalid path ends the session
// with a Fatal that reaches the peer, not a silent close.
func TestHostileEntryPath(t *testing.T) {
	for _, p := range []string{"../x", "/etc", "a//b", "a/./b", ""} {
		t.Run(p, func(t *testing.T) {
			h := serveHostile(t, &wire.Run{Role: wire.RoleReceiver, Paths: []string{t.TempDir()}, Flags: wire.FlagRecursive, Seed: 1})
			h.send(&wire.PassBegin{Pass: 0},
				&wire.Entries{Entries: []wire.Entry{{Path: ".", Type: 2, Mode: 0o755}, {Path: p, Type: 1, Mode: 0o644}}},
				&wire.EntriesEnd{Pass: 0})
			if f := h.fatal(); !strings.Contains(f.Message, "path") {
				t.Errorf("Fatal %q, want one naming the bad path", f.Message)
			}
		})
	}
}

// TestHostileMalformed: a message the decoder refuses (here an Entries
// message past wire.MaxEntriesBytes) ends the session with a Fatal that
// reaches the peer.
func TestHostileMalformed(t *testing.T) {
	h := serveHostile(t, &wire.Run{Role: wire.RoleReceiver, Paths: []string{t.TempDir()}, Flags: wire.FlagRecursive, Seed: 1})
	h.send(&wire.PassBegin{Pass: 0})
	long := strings.Repeat("a", wire.MaxString-8)
	var es []wire.Entry
	for i := range 80 { // 80 x 64 KiB: past MaxEntriesBytes, well within a frame once prefix-coded
		es = append(es, wire.Entry{Path: fmt.Sprintf("%s%04d", long, i), Type: 1})
	}
	h.send(&wire.Entries{Entries: es})
	if f := h.fatal(); !strings.Contains(f.Message, "MaxEntriesBytes") {
		t.Errorf("Fatal %q, want one naming the bound", f.Message)
	}
}

// TestHostileServerEntryPath: a server that sends a pulling client an
// entry with an invalid path gets a Fatal saying why, and the client's
// pass fails with a protocol error.
func TestHostileServerEntryPath(t *testing.T) {
	a, b := transport.Pipe(64 << 10)
	got := make(chan *wire.Fatal, 1)
	go func() { // the hostile server
		defer b.Close()
		defer close(got)
		fw, fr := wire.NewFrameWriter(b), wire.NewFrameReader(b)
		if _, err := wire.ReadHello(fr); err != nil {
			return
		}
		if wire.WriteHello(fw, localHello()) != nil {
			return
		}
		for {
			m, err := fr.ReadMsg()
			if err != nil {
				return
			}
			switch m := m.(type) {
			case *wire.PassBegin:
				fw.WriteMsg(&wire.Entries{Entries: []wire.Entry{{Path: ".", Type: 2, Mode: 0o755}, {Path: "../x", Type: 1}}})
				fw.WriteMsg(&wire.EntriesEnd{Pass: m.Pass})
				fw.Flush()
			case *wire.Fatal:
				got <- m
				return
			}
		}
	}()
	cl, err := Dial(t.Context(), a, Request{Role: wire.RoleReceiver, Local: []string{t.TempDir()}, Remote: []string{"src/"}, Config: archive()})
	must(t, err)
	_, err = cl.Pass(t.Context(), nil)
	if !errors.Is(err, ErrProtocol) {
		t.Errorf("pass: %v, want a protocol error", err)
	}
	cl.Close(t.Context())
	if f := <-got; f == nil || !strings.Contains(f.Message, "../x") {
		t.Errorf("the server got Fatal %+v, want one naming the path", f)
	}
}
