package session

import (
	"context"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/transport"
	"github.com/ferrysync/ferry/internal/wire"
)

// TestServeRefusesUnknownFlags sends a Run with a flag bit the server does
// not know (an option of a newer client): the server must refuse it with
// Fatal (usage) rather than run without the option.
func TestServeRefusesUnknownFlags(t *testing.T) {
	a, b := transport.Pipe(64 << 10)
	served := make(chan error, 1)
	go func() { served <- Serve(context.Background(), b, ServeOptions{}) }()
	fw, fr := wire.NewFrameWriter(a), wire.NewFrameReader(a)
	go func() {
		wire.WriteHello(fw, localHello())
		fw.WriteMsg(&wire.Run{Role: wire.RoleSender, Paths: []string{t.TempDir() + "/"}, Flags: wire.FlagRecursive | wire.KnownFlags + 1})
		fw.WriteMsg(&wire.Goodbye{}) // a server that ran it ends the session
		fw.Flush()
	}()
	if _, err := wire.ReadHello(fr); err != nil {
		t.Fatal(err)
	}
	for {
		typ, body, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("no Fatal before %v", err)
		}
		if typ != wire.TypeFatal {
			continue
		}
		m, err := wire.Decode(typ, body)
		if err != nil {
			t.Fatal(err)
		}
		f := m.(*wire.Fatal)
		if f.Code != wire.FatalUsage || !strings.Contains(f.Message, "unknown") {
			t.Errorf("Fatal %d %q, want usage and unknown flags", f.Code, f.Message)
		}
		break
	}
	a.Close()
	if err := <-served; err == nil {
		t.Error("Serve returned nil for a refused run")
	}
}
