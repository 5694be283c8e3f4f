package session

import (
	"errors"
	"io"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ferrysync/ferry/internal/transport"
	"github.com/ferrysync/ferry/internal/wire"
)

// stuckPeer answers the handshake (unless mute), then reads everything
// and says nothing more, until the connection is closed.
func stuckPeer(tc transport.Conn, mute bool) {
	if !mute {
		wire.WriteHello(wire.NewFrameWriter(tc), &wire.Hello{MinVersion: wire.Version, MaxVersion: wire.Version,
			Software: "stuck", Caps: []string{CapBLAKE3, CapDeltaXXH3}})
	}
	io.Copy(io.Discard, tc)
}

// TestTimeoutDropsSilentPeer runs a client against a peer that stops
// answering, in a bubble whose clock only moves when everything waits:
// the client gives up after its timeout with ErrTimeout, whatever the
// role and whether the peer ever said hello.
func TestTimeoutDropsSilentPeer(t *testing.T) {
	cases := []struct {
		name string
		role wire.Role
		mute bool
	}{
		{"pull", wire.RoleReceiver, false},
		{"push", wire.RoleSender, false},
		{"mute", wire.RoleReceiver, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			synctest.Test(t, func(t *testing.T) {
				a, b := transport.Pipe(64 << 10)
				go stuckPeer(b, tc.mute)
				cfg := archive()
				cfg.Timeout = 30 * time.Second
				start := time.Now()
				err := func() error {
					cl, err := Dial(t.Context(), a, Request{Role: tc.role, Local: []string{dir}, Remote: []string{filepath.Join(dir, "x")}, Config: cfg})
					if err != nil {
						return err
					}
					defer cl.Close(t.Context())
					_, err = cl.Pass(t.Context(), nil)
					return err
				}()
				if !errors.Is(err, ErrTimeout) {
					t.Fatalf("err = %v, want ErrTimeout", err)
				}
				if el := time.Since(start); el < cfg.Timeout || el > cfg.Timeout*3/2 {
					t.Errorf("dropped after %v (virtual), want about %v", el, cfg.Timeout)
				}
				b.Close()
			})
		})
	}
}
