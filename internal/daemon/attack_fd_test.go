package daemon

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSessionSurvivesDescriptorFlood starts a session, then floods the
// daemon (RLIMIT_NOFILE 64) with silent connections without any
// connection limit. The descriptor budget refuses the flood politely
// (ERROR code 6) while descriptors remain for the session, which then
// opens and reads a file as if nothing happened.
func TestSessionSurvivesDescriptorFlood(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "hello.txt"), "hello from the module", 0o644)
	d := startAttackd(t, dir, `
max_connections = 0
max_connections_per_host = 0
handshake_timeout = "2m"
[module.pub]
path = "%DIR%"
`, attackdNofileEnv+"=64")
	sess := openPlain(t, d.addr, "pub", RoleSender)
	var flood []net.Conn
	defer func() {
		for _, c := range flood {
			c.Close()
		}
	}()
	polite := 0
	for range 200 {
		c, err := rawDial(t, "127.0.0.2", d.addr)
		if err != nil {
			break
		}
		flood = append(flood, c)
	}
	told := make(chan bool, len(flood))
	for _, c := range flood {
		go func() {
			c.SetDeadline(time.Now().Add(time.Second))
			f, err := readFrame(c, MaxFramePayload)
			var re *RemoteError
			told <- err == nil && errors.As(frameError(f), &re) && strings.Contains(re.Message, "out of file descriptors")
		}()
	}
	for range flood {
		if <-told {
			polite++
		}
	}
	d.report(t, "with the flood")
	t.Logf("%d of %d flooding connections refused with an ERROR", polite, len(flood))
	if polite == 0 {
		t.Error("no flooding connection was told the daemon is out of descriptors")
	}
	sess.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(sess, "read hello.txt\n"); err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(sess); err != nil || string(b) != "hello from the module" {
		t.Fatalf("the session during the flood read %q, %v", b, err)
	}
}

func TestFDBudget(t *testing.T) {
	open := 0
	b := &fdBudget{limit: 64, count: func() (int, bool) { return open, true }}
	now := time.Unix(1e9, 0)
	tests := []struct {
		open int
		room bool
	}{{10, true}, {55, true}, {56, false}, {64, false}, {20, true}}
	for _, tc := range tests {
		open = tc.open
		now = now.Add(fdCountEvery)
		if got := b.room(now); got != tc.room {
			t.Errorf("%d open of 64: room %v, want %v", tc.open, got, tc.room)
		}
	}
	// Between counts, admitted connections are added to the last count.
	open = 50
	now = now.Add(fdCountEvery)
	for i := range 10 {
		if got, want := b.room(now), 50+i+1 <= 56; got != want {
			t.Errorf("admission %d after a count of 50: %v, want %v", i+1, got, want)
		}
	}
	if !(*fdBudget)(nil).room(now) || !(&fdBudget{}).room(now) {
		t.Error("no budget refuses")
	}
	if n, ok := fdCount(); ok {
		ents, _ := os.ReadDir("/proc/self/fd")
		if n < 3 || n > len(ents)+16 {
			t.Errorf("fdCount = %d, /proc/self/fd lists %d", n, len(ents))
		}
	}
}
