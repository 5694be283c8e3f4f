package daemon

import (
	"fmt"
	"io"
	"testing"
	"time"
)

// TestMemoryReleased has a session make the daemon touch 256 MiB of heap;
// once the connection ends, the daemon's resident memory must come back
// near where it started.
func TestMemoryReleased(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's shadow memory stays resident")
	}
	d := startAttackd(t, t.TempDir(), `
[module.pub]
path = "%DIR%"
`)
	start, _ := d.mem(t)
	d.report(t, "at start")
	c := openPlain(t, d.addr, "pub", RoleSender)
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(c, "alloc 256\n"); err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(c); err != nil || string(b) != "ok 256\n" {
		t.Fatalf("alloc: %q, %v", b, err)
	}
	c.Close()
	if _, peak := d.mem(t); peak < 256<<10 {
		t.Fatalf("peak RSS %d KiB: the session did not allocate", peak)
	}
	eventually(t, "memory released", func() error {
		if rss, _ := d.mem(t); rss > start+64<<10 {
			return fmt.Errorf("RSS %d KiB, started at %d KiB", rss, start)
		}
		return nil
	})
	d.report(t, "after a 256 MiB session ended")
}
