package session

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ferrysync/ferry/internal/transport"
	"github.com/ferrysync/ferry/internal/wire"
)

// TestTimeout runs a server with a timeout against a peer that completes
// the handshake and the run request, then falls silent (while still
// reading). In a synctest bubble the clock is fake: nothing sleeps. The
// server must send keepalives while it waits, and give up with ErrTimeout
// once the timeout has passed, not before.
func TestKeepaliveThenTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const timeout = 30 * time.Second
		a, b := transport.Pipe(64 << 10)
		start := time.Now()
		served := make(chan error, 1)
		go func() {
			served <- Serve(context.Background(), b, ServeOptions{Config: Config{Timeout: timeout}})
		}()
		fw, fr := wire.NewFrameWriter(a), wire.NewFrameReader(a)
		go func() {
			wire.WriteHello(fw, localHello())
			fw.WriteMsg(&wire.Run{Role: wire.RoleSender, Paths: []string{t.TempDir() + "/"}})
			fw.Flush()
		}()
		if _, err := wire.ReadHello(fr); err != nil {
			t.Fatal(err)
		}
		keepalives := make(chan time.Duration, 16)
		go func() {
			for {
				typ, _, err := fr.ReadFrame()
				if err != nil {
					close(keepalives)
					return
				}
				if typ == wire.TypeKeepalive {
					keepalives <- time.Since(start)
				}
			}
		}()
		err := <-served
		elapsed := time.Since(start)
		if !errors.Is(err, ErrTimeout) {
			t.Fatalf("Serve = %v, want ErrTimeout", err)
		}
		if elapsed < timeout || elapsed > timeout+timeout/2 {
			t.Errorf("timed out after %v, want about %v", elapsed, timeout)
		}
		a.Close()
		var n int
		for at := range keepalives {
			n++
			if at > timeout {
				t.Errorf("keepalive at %v, after the timeout", at)
			}
		}
		if n < 2 {
			t.Errorf("%d keepalives in %v, want one every third of the timeout", n, timeout)
		}
	})
}
