package daemon

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// eventually retries f until it succeeds or 15 seconds have passed: the
// daemon frees what a closed connection held asynchronously.
func eventually(t *testing.T, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(50 * time.Millisecond) // polling an outside process, not synchronising goroutines
	}
}

// isTimeout reports whether err is a deadline expiring.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// TestDescriptorExhaustion fills the daemon's descriptor table (its
// RLIMIT_NOFILE lowered to 48) with silent connections: accept fails with
// EMFILE. The descriptor budget, which would refuse them before the table
// fills (TestSessionSurvivesDescriptorFlood), is off, as when sessions
// opening files fill the table. The listener must survive: the failure is logged and retried,
// a client arriving meanwhile is refused at once rather than left hanging,
// and once the attackers go, a normal client is served.
func TestDescriptorExhaustion(t *testing.T) {
	d := startAttackd(t, t.TempDir(), `
max_connections = 0
max_connections_per_host = 0
handshake_timeout = "2m"
[module.pub]
path = "%DIR%"
`, attackdNofileEnv+"=48", attackdNoBudget)
	d.report(t, "at start")
	// Descriptors inherited above the limit (from go test, say) stay.
	inherited := 0
	ents, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", d.pid))
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil && n >= 48 {
			inherited++
		}
	}
	var hostile []net.Conn
	defer func() {
		for _, c := range hostile {
			c.Close()
		}
	}()
	for range 100 {
		c, err := rawDial(t, "127.0.0.2", d.addr)
		if err != nil {
			break // the backlog is full: what the attack is after
		}
		hostile = append(hostile, c)
	}
	eventually(t, "no EMFILE in the log", func() error {
		if !strings.Contains(d.log.String(), "too many open files") {
			return errors.New(d.log.String())
		}
		return nil
	})
	d.report(t, fmt.Sprintf("with %d silent connections", len(hostile)))
	// A listing of /proc/PID/fd is not atomic while the daemon closes and
	// reopens descriptors: take the least of a few.
	if n := min(d.fds(t), d.fds(t), d.fds(t)); n > 48+inherited {
		ents, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", d.pid))
		var names []string
		for _, e := range ents {
			l, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", d.pid, e.Name()))
			names = append(names, e.Name()+"="+l)
		}
		t.Errorf("daemon holds %d descriptors, above its limit: %v", n, names)
	}
	// A client now is refused (closed), not left waiting.
	if c, err := rawDial(t, "127.0.0.1", d.addr); err == nil {
		_, err := helloFrom(c)
		c.Close()
		if isTimeout(err) {
			t.Errorf("a client during exhaustion hung: %v", err)
		}
	}
	for _, c := range hostile {
		c.Close()
	}
	hostile = nil
	eventually(t, "a normal client after the attack", func() error {
		_, err := listFrom(t, "127.0.0.1", d.addr)
		return err
	})
	d.report(t, "after the attack")
	if !strings.Contains(d.log.String(), "accept failed") {
		t.Errorf("accept failures not logged:\n%s", d.log.String())
	}
}

// TestIdlePreHello opens many connections that never send HELLO. They
// count against the limits from accept: one address gets
// max_connections_per_host of them, the rest are refused with ERROR code 6
// at once; a client from another address is served meanwhile. Filling the
// global limit from many addresses refuses everybody politely until the
// handshake timeout frees the slots.
func TestIdlePreHello(t *testing.T) {
	d := startAttackd(t, t.TempDir(), `
max_connections = 12
max_connections_per_host = 4
handshake_timeout = "3s"
[module.pub]
path = "%DIR%"
`)
	d.report(t, "at start")
	refused := func(c net.Conn) (string, error) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		f, err := readFrame(c, MaxFramePayload)
		if err != nil {
			return "", err
		}
		var re *RemoteError
		if err := frameError(f); !errors.As(err, &re) || re.Code != CodeTooMany {
			return "", fmt.Errorf("got %v, want ERROR code 6", err)
		}
		return re.Message, nil
	}
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for i := range 100 {
		c, err := rawDial(t, "127.0.0.2", d.addr)
		if err != nil {
			t.Fatal(err)
		}
		if i < 4 {
			held = append(held, c)
			continue
		}
		msg, err := refused(c)
		c.Close()
		if err != nil || !strings.Contains(msg, "per host (4)") {
			t.Fatalf("connection %d from one host: %q, %v", i, msg, err)
		}
	}
	d.report(t, "with 4 silent connections held and 96 refused")
	if _, err := listFrom(t, "127.0.0.1", d.addr); err != nil {
		t.Fatalf("a client from another address during the attack: %v", err)
	}
	for h := 3; h <= 4; h++ {
		for range 4 {
			c, err := rawDial(t, fmt.Sprintf("127.0.0.%d", h), d.addr)
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, c)
		}
	}
	eventually(t, "12 connections counted", func() error {
		c, err := rawDial(t, "127.0.0.5", d.addr)
		if err != nil {
			return err
		}
		defer c.Close()
		msg, err := refused(c)
		if err == nil && !strings.Contains(msg, "max connections (12)") {
			err = fmt.Errorf("refused with %q", msg)
		}
		return err
	})
	d.report(t, "with 12 silent connections held")
	// The silent ones end at the handshake timeout; then clients are
	// served again.
	eventually(t, "a client after the handshake timeout", func() error {
		_, err := listFrom(t, "127.0.0.1", d.addr)
		return err
	})
	for _, c := range held {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if f, err := readFrame(c, MaxFramePayload); err == nil && f.typ != msgError {
			t.Errorf("silent connection got %s", f.typ)
		}
	}
	d.report(t, "after the handshake timeout")
}

// openPlain opens module on a raw connection and expects READY.
func openPlain(t *testing.T, addr, module string, role Role) net.Conn {
	t.Helper()
	c, err := rawDial(t, "127.0.0.1", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if f, err := helloFrom(c); err != nil || f.typ != msgGreeting {
		t.Fatalf("hello: %v %v", f.typ, err)
	}
	if err := writeFrame(c, msgOpen, openRequest{Module: module, Role: role}.marshal()); err != nil {
		t.Fatal(err)
	}
	if f, err := readFrame(c, MaxFramePayload); err != nil || f.typ != msgReady {
		t.Fatalf("open: %v %v", frameError(f), err)
	}
	c.SetDeadline(time.Time{})
	return c
}

// TestTricklingPeer opens two sessions: one stays silent, the other sends
// one byte every 20ms, never finishing a command. With min_rate = 128
// over 300ms windows the trickler is dropped; the idle session is not (it
// is the timeout's business) and still answers afterwards.
func TestTricklingPeer(t *testing.T) {
	d := startAttackd(t, t.TempDir(), `
timeout = "1m"
min_rate = 128
[module.pub]
path = "%DIR%"
`, attackdWindowEnv+"=300ms")
	idle := openPlain(t, d.addr, "pub", RoleSender)
	trickle := openPlain(t, d.addr, "pub", RoleSender)
	dropped := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, trickle)
		dropped <- err
	}()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(15 * time.Second)
	sent := 0
trickling:
	for {
		select {
		case <-dropped:
			break trickling
		case <-deadline:
			t.Fatalf("trickler not dropped after %d bytes", sent)
		case <-tick.C:
			if _, err := trickle.Write([]byte("w")); err != nil {
				break trickling
			}
			sent++
		}
	}
	t.Logf("trickler dropped after %d bytes", sent)
	idle.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(idle, "whoami\n"); err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(idle); err != nil || !strings.HasPrefix(string(b), "uid=") {
		t.Fatalf("idle session: %q, %v", b, err)
	}
	eventually(t, "the drop logged", func() error {
		if !strings.Contains(d.log.String(), "too slow") {
			return errors.New(d.log.String())
		}
		return nil
	})
	d.report(t, "after the trickler")
}
