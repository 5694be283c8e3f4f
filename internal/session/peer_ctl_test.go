package session

import (
	"io"
	"testing"

	"github.com/ferrysync/ferry/internal/wire"
)

// TestAwaitCtlPrefersQueuedMessage: a control message queued before the
// connection ended is returned, never the end of the connection (select
// alone picks at random, so this loops to catch it).
func TestAwaitCtlPrefersQueuedMessage(t *testing.T) {
	for i := range 200 {
		c := &conn{done: make(chan struct{})}
		p := &peer{c: c, ctl: make(chan wire.Message, 4)}
		p.ctl <- &wire.Goodbye{}
		c.err = io.EOF
		close(c.done)
		m, err := p.awaitCtl(t.Context())
		if err != nil {
			t.Fatalf("try %d: got %v, want the queued Goodbye", i, err)
		}
		if _, ok := m.(*wire.Goodbye); !ok {
			t.Fatalf("try %d: got %T", i, m)
		}
	}
}
