package session

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/transport"
	"github.com/ferrysync/ferry/internal/wire"
)

// stallConn is a transport.Conn whose writes block, once stalled, until it
// is closed: a client that has stopped sending but still reads.
type stallConn struct {
	transport.Conn
	stalled   atomic.Bool
	closeOnce sync.Once
	closed    chan struct{}
}

func (c *stallConn) Write(p []byte) (int, error) {
	if c.stalled.Load() {
		<-c.closed
		return 0, io.ErrClosedPipe
	}
	return c.Conn.Write(p)
}

func (c *stallConn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

// TestServerTimeoutReachesClient: a server that times out a silent client
// tells it in a Fatal, so the client reports a timeout (ErrTimeout, exit
// 30), not the end of file it would read once the server closed.
func TestServerTimeoutReachesClient(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	writeTree(t, src, map[string]string{"a": "1"})
	a, b := transport.Pipe(1 << 16)
	served := make(chan error, 1)
	go func() {
		served <- Serve(context.Background(), b, ServeOptions{Config: Config{Timeout: 300 * time.Millisecond}})
	}()
	sc := &stallConn{Conn: a, closed: make(chan struct{})}
	cl, err := Dial(t.Context(), sc, Request{Role: wire.RoleReceiver, Local: []string{dst}, Remote: []string{src + "/"}, Config: archive()})
	must(t, err)
	defer cl.Close(t.Context())
	if _, err := cl.Pass(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	sc.stalled.Store(true) // the client goes silent: no keepalive gets out
	_, err = cl.Pass(t.Context(), nil)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("pass with a silent client: got %v, want the server's timeout", err)
	}
	if serr := <-served; !errors.Is(serr, ErrTimeout) {
		t.Errorf("server: %v, want a timeout", serr)
	}
}
