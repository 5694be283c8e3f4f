package cli

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/daemon"
)

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startDaemon runs "ferry serve" in-process on a loopback port with a
// public read-only module and a writable one, until the test ends.
func startDaemon(t *testing.T) (addr, pub, drop string) {
	t.Helper()
	return startDaemonWith(t, "")
}

// startDaemonWith is startDaemon with extra global configuration lines.
func startDaemonWith(t *testing.T, global string) (addr, pub, drop string) {
	t.Helper()
	dir := t.TempDir()
	pub, drop = filepath.Join(dir, "pub"), filepath.Join(dir, "drop")
	for _, d := range []string{pub, drop, filepath.Join(pub, "sub")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeTestFile(t, filepath.Join(pub, "a.txt"), "alpha\n")
	writeTestFile(t, filepath.Join(pub, "sub", "b.txt"), strings.Repeat("bravo ", 5000))
	addr = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	cfg := fmt.Sprintf(`listen = [%q]
`+global+`
[module.pub]
path = %q
comment = "public files"
[module.drop]
path = %q
read_only = false
uid = 0
[module.hidden]
path = %q
list = false
`, addr, pub, drop, pub)
	conf := filepath.Join(dir, "ferryd.toml")
	writeTestFile(t, conf, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var logs bytes.Buffer
	go func() { done <- Main(ctx, []string{"serve", "--config", conf}, nil, &logs, &logs) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if i == 500 {
			t.Fatalf("daemon did not listen on %s: %v", addr, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return addr, pub, drop
}

func writeTestFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = Main(t.Context(), args, strings.NewReader(""), &o, &e)
	return code, o.String(), e.String()
}

func TestDaemonListPullPush(t *testing.T) {
	addr, pub, drop := startDaemon(t)

	code, out, errs := runCLI(t, "ferry://"+addr+"/")
	if code != ExitOK || !strings.Contains(out, "pub") || !strings.Contains(out, "public files") || !strings.Contains(out, "drop") {
		t.Fatalf("list: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if strings.Contains(out, "hidden") {
		t.Errorf("list shows an unlisted module: %q", out)
	}

	dst := filepath.Join(t.TempDir(), "got")
	code, _, errs = runCLI(t, "ferry://"+addr+"/pub/", dst)
	if code != ExitOK {
		t.Fatalf("pull: exit %d, stderr %q", code, errs)
	}
	for _, name := range []string{"a.txt", "sub/b.txt"} {
		want, _ := os.ReadFile(filepath.Join(pub, name))
		got, err := os.ReadFile(filepath.Join(dst, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("pulled %s: %v, %d bytes, want %d", name, err, len(got), len(want))
		}
	}

	host, port, _ := net.SplitHostPort(addr)
	code, _, errs = runCLI(t, dst+"/", "ferry://"+net.JoinHostPort(host, port)+"/drop/in/")
	if code != ExitOK {
		t.Fatalf("push: exit %d, stderr %q", code, errs)
	}
	if got, err := os.ReadFile(filepath.Join(drop, "in", "sub", "b.txt")); err != nil || !strings.HasPrefix(string(got), "bravo") {
		t.Errorf("pushed file: %v %q", err, got)
	}

	code, _, errs = runCLI(t, dst+"/", "ferry://"+addr+"/pub/x/")
	if code != ExitStartup || !strings.Contains(errs, "pub") {
		t.Errorf("push to a read-only module: exit %d (want %d), stderr %q", code, ExitStartup, errs)
	}
	code, _, errs = runCLI(t, "ferry://"+addr+"/nosuch/", dst)
	if code != ExitStartup || !strings.Contains(errs, "nosuch") {
		t.Errorf("unknown module: exit %d (want %d), stderr %q", code, ExitStartup, errs)
	}
}

func TestDaemonBusyIsAStartupError(t *testing.T) {
	addr, _, _ := startDaemonWith(t, "max_connections = 1")
	// hold takes the only slot, once the daemon has let go of the
	// connection that found it up (connections count from accept).
	var hold *daemon.Client
	var err error
	for range 100 {
		if hold, err = daemon.Dial(t.Context(), addr, daemon.DialOptions{}); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Close()
	var code int
	var errs string
	for range 100 { // the daemon counts the held connection once it accepts it
		if code, _, errs = runCLI(t, "ferry://"+addr+"/"); code != ExitOK {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code != ExitStartup || !strings.Contains(errs, "max connections") {
		t.Errorf("list while the daemon is full: exit %d (want %d), stderr %q", code, ExitStartup, errs)
	}
}

// TestContimeout runs a pull from a "daemon" that accepts the connection
// and never greets: --contimeout gives up with rsync's code 35, and
// --port names the port of an address without one.
func TestContimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() }) // silent until the test ends
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	var stdout, stderr bytes.Buffer
	code := Main(t.Context(), []string{"--contimeout=1", "--port=" + strconv.Itoa(port), "ferry://127.0.0.1/mod/", t.TempDir()}, strings.NewReader(""), &stdout, &stderr)
	if code != ExitDaemonTimeout {
		t.Fatalf("exit %d, want %d\n%s", code, ExitDaemonTimeout, stderr.String())
	}
	if !strings.Contains(stderr.String(), "timeout waiting for the daemon connection") {
		t.Errorf("stderr: %s", stderr.String())
	}
}
