package role

import (
	"io"
	"testing"

	"github.com/ferrysync/ferry/internal/link"
	"github.com/ferrysync/ferry/internal/transport"

	"github.com/ferrysync/ferry/internal/wire"
)

// TestAwaitCtlPrefersQueuedMessage: a control message queued before the
// connection ended is returned, never the end of the connection (select
// alone picks at random, so this loops to catch it).
func TestAwaitCtlPrefersQueuedMessage(t *testing.T) {
	for i := range 200 {
		a, b := transport.Pipe(0)
		b.Close()
		c := link.NewConn(a, 0)
		p := &Peer{Link: c, Ctl: make(chan wire.Message, 4)}
		p.Ctl <- &wire.Goodbye{}
		c.Fail(io.EOF)
		m, err := p.AwaitCtl(t.Context())
		if err != nil {
			t.Fatalf("try %d: got %v, want the queued Goodbye", i, err)
		}
		if _, ok := m.(*wire.Goodbye); !ok {
			t.Fatalf("try %d: got %T", i, m)
		}
	}
}
