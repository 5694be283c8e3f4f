package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/daemon"
	"github.com/ferrysync/ferry/internal/sender"
	"github.com/ferrysync/ferry/internal/session"
	"github.com/ferrysync/ferry/internal/wire"
)

// TestAttackTable runs each attack of issue 11 with hostile clients written
// here (raw frames, no engine) against a real `ferry serve` process with
// its default limits, and measures the daemon from /proc: its peak RSS
// (VmHWM, reset before each attack), its CPU time and its most descriptors
// open. A normal client must be served while each attack is under way and
// after it, and the daemon's peak RSS must stay under 256 MiB whatever the
// attackers send. The table is logged (go test -v -run TestAttackTable).
//
// The attackers come from 127.0.0.2-127.0.0.8 and the normal client from
// 127.0.0.1, so the per-host limits (8 connections) bound each attacker
// address while the normal client keeps its own.
func TestAttackTable(t *testing.T) {
	needFerry(t)
	if testing.Short() {
		t.Skip("runs a daemon under eight attacks (about 40 s); not in -short")
	}
	d := startTableDaemon(t)

	rows := []attackRow{{name: "none (a normal client alone)"}}
	rows[0].measure(t, d, nil)
	for _, a := range attacks {
		r := attackRow{name: a.name}
		r.measure(t, d, a.run)
		rows = append(rows, r)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-44s %6s %9s %9s %8s %6s %7s %6s\n", "attack", "conns", "sent MiB", "peak RSS", "CPU s", "fds", "during", "after")
	for _, r := range rows {
		fmt.Fprintf(&b, "%-44s %6d %9.1f %8dM %8.2f %6d %7s %6s\n", r.name, r.conns, float64(r.sent)/(1<<20), r.peakKiB>>10, r.cpu.Seconds(), r.fds, okWord(r.during), okWord(r.after))
	}
	t.Log(b.String())
	for _, r := range rows {
		if r.peakKiB>>10 >= 256 {
			t.Errorf("%s: the daemon's peak RSS was %d MiB, want < 256 MiB", r.name, r.peakKiB>>10)
		}
		if r.during != nil {
			t.Errorf("%s: a normal client was not served during the attack: %v", r.name, r.during)
		}
		if r.after != nil {
			t.Errorf("%s: a normal client was not served after the attack: %v", r.name, r.after)
		}
	}
}

func okWord(err error) string {
	if err != nil {
		return "FAILED"
	}
	return "ok"
}

// tableDaemon is a `ferry serve` process with three modules: pub (read
// only, a small tree, pulled by the normal client and the hostile pulls),
// up (writable, holding an 8 MiB basis "f") and sec (password).
type tableDaemon struct {
	addr, pub, up string
	pid           int
	log           lockedBuffer
}

// lockedBuffer is a bytes.Buffer safe for a writer and a reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startTableDaemon(t *testing.T) *tableDaemon {
	t.Helper()
	base := t.TempDir()
	d := &tableDaemon{pub: filepath.Join(base, "pub"), up: filepath.Join(base, "up")}
	for _, dir := range []string{d.pub, d.up} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 200 {
		if err := os.WriteFile(filepath.Join(d.pub, fmt.Sprintf("f%03d", i)), []byte(strings.Repeat("x", 1000+i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(d.up, "f"), make([]byte, 8<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	secrets := filepath.Join(base, "secrets")
	if err := os.WriteFile(secrets, []byte("alice:correct horse\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d.addr = l.Addr().String()
	l.Close()
	// The defaults are the ones under test: no limits set here. uid 0: the
	// test directory is root's (a root daemon serves writable modules as
	// nobody by default).
	cfg := fmt.Sprintf("listen = [%q]\n[module.pub]\npath = %q\n[module.up]\npath = %q\nread_only = false\nuid = 0\n"+
		"[module.sec]\npath = %q\nauth_users = [\"alice\"]\nsecrets_file = %q\n", d.addr, d.pub, d.up, d.pub, secrets)
	conf := filepath.Join(base, "ferryd.toml")
	if err := os.WriteFile(conf, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(ferryBin, "serve", "--config", conf)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stderr = &d.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		if t.Failed() {
			t.Logf("the daemon's log:\n%s", d.log.String())
		}
	})
	waitFor(t, func() []string {
		c, err := net.Dial("tcp", d.addr)
		if err != nil {
			return nil
		}
		c.Close()
		return []string{d.addr}
	})
	d.pid = cmd.Process.Pid
	return d
}

// status returns the daemon's VmRSS and VmHWM in KiB.
func (d *tableDaemon) status(t *testing.T) (rss, hwm int) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", d.pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		n, _ := strconv.Atoi(f[1])
		switch f[0] {
		case "VmRSS:":
			rss = n
		case "VmHWM:":
			hwm = n
		}
	}
	return rss, hwm
}

// cpu returns the daemon's user and system time so far.
func (d *tableDaemon) cpu(t *testing.T) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", d.pid))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ
}

// fds counts the daemon's open descriptors.
func (d *tableDaemon) fds() int {
	ents, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", d.pid))
	return len(ents)
}

// normal pulls the pub module as an ordinary client would, and checks it.
func (d *tableDaemon) normal(t *testing.T) error {
	dst := t.TempDir()
	res := run(t, ferryBin, "-a", "--timeout=60", "ferry://"+d.addr+"/pub/", dst+"/")
	if res.code != 0 {
		return fmt.Errorf("exit %d: %s", res.code, strings.TrimSpace(res.stderr))
	}
	ents, err := os.ReadDir(dst)
	if err != nil || len(ents) != 200 {
		return fmt.Errorf("pulled %d files (%v), want 200", len(ents), err)
	}
	return nil
}

// attackRow is one line of the table.
type attackRow struct {
	name          string
	sent          int64 // bytes the attackers wrote
	conns         int   // connections they made
	peakKiB       int
	cpu           time.Duration
	fds           int
	during, after error
}

// attackTime is how long each attack runs at least.
const attackTime = 3 * time.Second

// attackFunc starts an attack and returns once it is under way; stop ends
// it (closing its connections) and returns the bytes the attackers sent.
type attackFunc func(t *testing.T, ctx context.Context, d *tableDaemon) (stop func() int64)

// measure runs attack (nil: none) between two normal clients and fills r.
func (r *attackRow) measure(t *testing.T, d *tableDaemon, attack attackFunc) {
	// Settle: the previous attack's sessions end and their memory goes back.
	time.Sleep(500 * time.Millisecond)
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", d.pid), []byte("5"), 0); err != nil {
		t.Fatalf("resetting the daemon's VmHWM: %v", err)
	}
	cpu0 := d.cpu(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var wg sync.WaitGroup
	maxFDs := d.fds()
	wg.Go(func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				maxFDs = max(maxFDs, d.fds())
			}
		}
	})
	stop := func() int64 { return 0 }
	start := time.Now()
	if attack != nil {
		stop = attack(t, ctx, d)
	}
	r.during = d.normal(t)
	if attack != nil { // every attack lasts the same, for its CPU time
		time.Sleep(time.Until(start.Add(attackTime)))
	}
	lastConns = 0
	r.sent = stop()
	r.conns = lastConns
	r.after = d.normal(t)
	cancel()
	wg.Wait()
	r.cpu = d.cpu(t) - cpu0
	_, r.peakKiB = d.status(t)
	r.fds = maxFDs
}

// attackerAddr is the local address of attacker i (127.0.0.2-127.0.0.8).
func attackerAddr(i int) string { return fmt.Sprintf("127.0.0.%d", 2+i%attackers) }

// dialFrom connects to addr from local.
func dialFrom(ctx context.Context, local, addr string) (net.Conn, error) {
	dl := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 10 * time.Second}
	return dl.DialContext(ctx, "tcp", addr)
}

// hostileConn is an attacker's session: the daemon phase done and Hellos
// exchanged, then raw frames.
type hostileConn struct {
	net.Conn
	fw *wire.FrameWriter
	fr *wire.FrameReader
	n  int64 // bytes written
}

// Write counts what the attacker sends.
func (c *hostileConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.n += int64(n)
	return n, err
}

// openHostile opens module in role from local and starts a sync session
// with run.
func openHostile(ctx context.Context, local, addr, module string, role daemon.Role, run *wire.Run) (*hostileConn, error) {
	raw, err := dialFrom(ctx, local, addr)
	if err != nil {
		return nil, err
	}
	cl, err := daemon.NewClient(ctx, raw, "hostile", time.Now().Add(10*time.Second))
	if err != nil {
		raw.Close()
		return nil, err
	}
	conn, _, err := cl.Open(ctx, daemon.OpenOptions{Module: module, Role: role})
	if err != nil {
		return nil, err
	}
	h := &hostileConn{Conn: conn}
	h.fw, h.fr = wire.NewFrameWriter(h), wire.NewFrameReader(conn)
	caps := []string{session.CapBLAKE3, session.CapDeltaXXH3, sender.CapRefine}
	if err := wire.WriteHello(h.fw, &wire.Hello{MinVersion: wire.Version, MaxVersion: wire.Version, Software: "hostile", Caps: caps}); err != nil {
		conn.Close()
		return nil, err
	}
	if _, err := wire.ReadHello(h.fr); err != nil {
		conn.Close()
		return nil, err
	}
	if err := h.send(run); err != nil {
		conn.Close()
		return nil, err
	}
	return h, nil
}

// send writes and flushes ms.
func (h *hostileConn) send(ms ...wire.Message) error {
	for _, m := range ms {
		if err := h.fw.WriteMsg(m); err != nil {
			return err
		}
	}
	return h.fw.Flush()
}

// until reads up to the first message for which stop is true.
func (h *hostileConn) until(stop func(wire.Message) bool) (wire.Message, error) {
	for {
		m, err := h.fr.ReadMsg()
		if err != nil {
			return nil, err
		}
		if stop(m) {
			return m, nil
		}
	}
}

// swarm runs n attackers at once, each attack(i), until they return or
// stop is called; stop closes what they registered and sums their bytes.
type swarm struct {
	mu    sync.Mutex
	conns []net.Conn
	sent  int64
	wg    sync.WaitGroup
}

func (s *swarm) hold(c net.Conn) {
	s.mu.Lock()
	s.conns = append(s.conns, c)
	s.mu.Unlock()
}

func (s *swarm) add(n int64) {
	s.mu.Lock()
	s.sent += n
	s.mu.Unlock()
}

func (s *swarm) stop() int64 {
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	lastConns = len(s.conns)
	return s.sent
}

// lastConns is how many connections the last attack made (the table's
// measure runs one attack at a time).
var lastConns int
