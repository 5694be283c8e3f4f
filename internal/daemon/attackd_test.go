package daemon

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A daemon under attack runs in a process of its own (this test binary,
// re-executed with attackdEnv set), so that the test can lower its
// descriptor limit and measure its descriptors, memory and CPU apart from
// the attacking clients.
const (
	attackdEnv       = "FERRY_TEST_ATTACKD"            // the configuration file
	attackdNofileEnv = "FERRY_TEST_ATTACKD_NOFILE"     // RLIMIT_NOFILE to set, if any
	attackdWindowEnv = "FERRY_TEST_ATTACKD_WINDOW"     // min_rate window, if not the default
	attackdNoBudget  = "FERRY_TEST_ATTACKD_NOBUDGET=1" // no descriptor budget
)

// attackdMain serves the configuration in $attackdEnv with lineHandler
// on a loopback port, which it prints on stdout; it logs to stderr and
// stops when stdin closes.
func attackdMain() int {
	if n, err := strconv.ParseUint(os.Getenv(attackdNofileEnv), 10, 64); err == nil {
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
			fmt.Fprintln(os.Stderr, "setrlimit:", err)
			return 1
		}
	}
	cfg, err := LoadConfig(os.Getenv(attackdEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv, err := NewServer(cfg, Options{Handler: lineHandler, Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if w, err := time.ParseDuration(os.Getenv(attackdWindowEnv)); err == nil {
		srv.rateWindow = w
	}
	if os.Getenv(strings.TrimSuffix(attackdNoBudget, "=1")) != "" {
		srv.fds = nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		os.Stdin.Read(make([]byte, 1))
		cancel()
	}()
	fmt.Println(ln.Addr().String())
	if err := srv.Serve(ctx, ln); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		return 1
	}
	return 0
}

// attackd is a daemon process started by startAttackd.
type attackd struct {
	addr string
	pid  int
	log  *syncBuffer
}

// startAttackd starts a daemon process for cfgText (%DIR% replaced by
// dir) with the given environment additions; it stops at the end of the
// test.
func startAttackd(t *testing.T, dir, cfgText string, env ...string) *attackd {
	t.Helper()
	cfgFile := filepath.Join(dir, "ferryd.toml")
	if err := os.WriteFile(cfgFile, []byte(strings.ReplaceAll(cfgText, "%DIR%", dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), append([]string{attackdEnv + "=" + cfgFile}, env...)...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("daemon process: %v\n%s", err, logs.String())
			}
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Errorf("daemon process did not stop\n%s", logs.String())
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("daemon process: %v\n%s", err, logs.String())
	}
	return &attackd{addr: strings.TrimSpace(line), pid: cmd.Process.Pid, log: logs}
}

// fds counts the daemon's open descriptors.
func (d *attackd) fds(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", d.pid))
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// mem returns the daemon's resident set and its peak, in KiB.
func (d *attackd) mem(t *testing.T) (rss, peak int) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", d.pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range bytes.Lines(b) {
		f := strings.Fields(string(line))
		if len(f) >= 2 && f[0] == "VmRSS:" {
			rss, _ = strconv.Atoi(f[1])
		}
		if len(f) >= 2 && f[0] == "VmHWM:" {
			peak, _ = strconv.Atoi(f[1])
		}
	}
	return rss, peak
}

// cpu returns the daemon's CPU time so far (user and system).
func (d *attackd) cpu(t *testing.T) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", d.pid))
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the command name, which is in parentheses: utime and
	// stime are the 12th and 13th.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	ut, _ := strconv.Atoi(f[11])
	st, _ := strconv.Atoi(f[12])
	return time.Duration(ut+st) * 10 * time.Millisecond // USER_HZ is 100 on Linux
}

// report logs the daemon's descriptors and memory at a point of a test.
func (d *attackd) report(t *testing.T, when string) {
	t.Helper()
	rss, peak := d.mem(t)
	t.Logf("daemon %s: %d descriptors, RSS %d KiB (peak %d KiB), CPU %s", when, d.fds(t), rss, peak, d.cpu(t))
}

// rawDial connects from local (a loopback address, "" for any) to addr,
// sending nothing.
func rawDial(t *testing.T, local, addr string) (net.Conn, error) {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second}
	if local != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(local)}
	}
	return d.DialContext(t.Context(), "tcp", addr)
}

// helloFrom sends HELLO on conn and returns the daemon's answer: GREETING
// or ERROR.
func helloFrom(conn net.Conn) (frame, error) {
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if err := writeFrame(conn, msgHello, hello{Version: 1, Software: "hostile"}.marshal()); err != nil {
		return frame{}, err
	}
	return readFrame(conn, MaxFramePayload)
}

// listFrom runs a whole LIST exchange from local and returns the module
// names.
func listFrom(t *testing.T, local, addr string) ([]string, error) {
	t.Helper()
	conn, err := rawDial(t, local, addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	f, err := helloFrom(conn)
	if err != nil {
		return nil, err
	}
	if f.typ != msgGreeting {
		return nil, frameError(f)
	}
	if err := writeFrame(conn, msgList, nil); err != nil {
		return nil, err
	}
	if f, err = readFrame(conn, MaxFramePayload); err != nil {
		return nil, err
	}
	if f.typ != msgModules {
		return nil, frameError(f)
	}
	var ml moduleList
	if err := ml.unmarshal(f.payload); err != nil {
		return nil, err
	}
	var names []string
	for _, m := range ml.Modules {
		names = append(names, m.Name)
	}
	return names, nil
}

// frameError describes an unexpected frame, an ERROR as its message.
func frameError(f frame) error {
	if f.typ == msgError {
		var em errorMsg
		if err := em.unmarshal(f.payload); err == nil {
			return &RemoteError{Code: em.Code, Message: em.Message}
		}
	}
	return fmt.Errorf("unexpected %s", f.typ)
}
