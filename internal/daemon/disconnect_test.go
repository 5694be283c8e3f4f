package daemon

import (
	"bytes"
	"context"
	"crypto/rand"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/session"
	"github.com/ferrysync/ferry/internal/wire"
)

// cutConn closes the connection once limit bytes have been written.
type cutConn struct {
	net.Conn
	limit   int64
	written atomic.Int64
}

func (c *cutConn) Write(p []byte) (int, error) {
	if c.written.Add(int64(len(p))) > c.limit {
		c.Conn.Close()
		return 0, net.ErrClosed
	}
	return c.Conn.Write(p)
}

// TestDisconnectMidTransfer pushes a large file and drops the connection
// half-way: the module keeps its old file and no half-written file appears
// under the real name; the daemon goes on serving.
func TestDisconnectMidTransfer(t *testing.T) {
	dir := t.TempDir()
	mod := filepath.Join(dir, "mod")
	old := []byte("old content of big.bin")
	writeFile(t, filepath.Join(mod, "big.bin"), string(old), 0o644)
	ts := startServer(t, dir, "[module.rw]\npath = \"%DIR%/mod\"\nread_only = false\nuid = 0\n", SessionHandler())

	local := t.TempDir()
	big := make([]byte, 8<<20)
	rand.Read(big)
	writeFile(t, filepath.Join(local, "big.bin"), string(big), 0o644)

	c, err := Dial(t.Context(), ts.addr, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	conn, _, err := c.Open(t.Context(), OpenOptions{Module: "rw", Role: RoleReceiver})
	if err != nil {
		t.Fatal(err)
	}
	cc := &cutConn{Conn: conn, limit: 2 << 20}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cl, err := session.Dial(ctx, cc, session.Request{Role: wire.RoleSender, Local: []string{local + "/"}, Remote: []string{""},
		Config: session.Config{Recursive: true, WholeFile: true}})
	if err == nil {
		_, err = cl.Pass(ctx, nil)
		cl.Close(ctx)
	}
	if err == nil {
		t.Fatal("the transfer succeeded although the connection was cut")
	}
	// Wait for the daemon to log the end of the session.
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(ts.log.String(), "msg=transfer"); {
		if time.Now().After(deadline) {
			t.Fatalf("daemon did not end the session:\n%s", ts.log.String())
		}
		time.Sleep(5 * time.Millisecond) // polling, not a timing assertion
	}
	got, err := os.ReadFile(filepath.Join(mod, "big.bin"))
	if err != nil || !bytes.Equal(got, old) {
		t.Fatalf("big.bin after the cut: %d bytes, %v; want the old content", len(got), err)
	}
	entries, _ := os.ReadDir(mod)
	for _, e := range entries {
		if e.Name() != "big.bin" && !strings.HasPrefix(e.Name(), ".") {
			t.Errorf("unexpected file %q in the module", e.Name())
		}
	}
	c2, err := Dial(t.Context(), ts.addr, DialOptions{})
	if err != nil {
		t.Fatalf("daemon no longer answers: %v", err)
	}
	if mods, err := c2.List(t.Context()); err != nil || len(mods) != 1 {
		t.Fatalf("List after the cut = %v, %v", mods, err)
	}
}
