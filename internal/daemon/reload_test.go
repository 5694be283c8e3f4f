package daemon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReload: a reload changes what new connections get; a session in
// progress keeps its module although the new configuration dropped it; a
// configuration that does not load is refused and the old one stays; a
// proxy module whose backend is down loads.
func TestReload(t *testing.T) {
	dir := moduleTree(t)
	ts := startServer(t, dir, `
name = "one"
[module.pub]
path = "%DIR%/pub"
`, nil)
	c, err := Dial(t.Context(), ts.addr, DialOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	inProgress, _, err := c.Open(t.Context(), OpenOptions{Module: "pub", Role: RoleSender})
	if err != nil {
		t.Fatal(err)
	}
	defer inProgress.Close()

	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	dead.Close()
	next := strings.ReplaceAll(`
name = "two"
[module.priv2]
path = "%DIR%/priv"
[module.far]
proxy = "ferry://`+deadAddr+`/data"
`, "%DIR%", dir)
	if err := ts.srv.reload(func() (*Config, error) { return ParseConfig([]byte(next), filepath.Join(dir, "f.toml")) }); err != nil {
		t.Fatal(err)
	}
	// The session opened before the reload still serves its module.
	inProgress.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(inProgress, "read hello.txt\n")
	if b, err := io.ReadAll(inProgress); err != nil || string(b) != "hello from pub" {
		t.Fatalf("session in progress after the reload: %q, %v", b, err)
	}
	// New connections get the new configuration.
	if _, err := command(t, ts.addr, OpenOptions{Module: "pub", Role: RoleSender}, "read hello.txt"); !errors.Is(err, ErrUnknownModule) {
		t.Errorf("removed module after the reload: %v", err)
	}
	if got, err := command(t, ts.addr, OpenOptions{Module: "priv2", Role: RoleSender}, "read p.txt"); err != nil || got != "private data" {
		t.Errorf("added module after the reload: %q, %v", got, err)
	}
	c, err = Dial(t.Context(), ts.addr, DialOptions{Timeout: 10 * time.Second})
	if err != nil || c.ServerName() != "two" {
		t.Fatalf("server name after the reload: %v", err)
	}
	c.Close()

	// A bad configuration is refused with its error; "two" keeps serving.
	err = ts.srv.reload(func() (*Config, error) { return ParseConfig([]byte("[module.x]\n"), "bad.toml") })
	if !errors.Is(err, ErrConfig) || !strings.Contains(ts.log.String(), "reload refused") || !strings.Contains(ts.log.String(), "module.x.path: must be set") {
		t.Fatalf("bad reload: %v\n%s", err, ts.log)
	}
	if got, err := command(t, ts.addr, OpenOptions{Module: "priv2", Role: RoleSender}, "read p.txt"); err != nil || got != "private data" {
		t.Errorf("after a refused reload: %q, %v", got, err)
	}
}

// TestRunReloadsOnSIGHUP: "ferry serve" reloads its file on SIGHUP and
// keeps running.
func TestRunReloadsOnSIGHUP(t *testing.T) {
	dir := moduleTree(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	conf := filepath.Join(dir, "ferryd.toml")
	writeConf := func(mod string) {
		writeFile(t, conf, fmt.Sprintf("listen = [%q]\n[module.%s]\npath = %q\n", addr, mod, filepath.Join(dir, "pub")), 0o644)
	}
	writeConf("first")
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- Run(ctx, []string{"--config", conf}, io.Discard, &stderr, lineHandler) }()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("Run = %d\n%s", code, stderr.String())
		}
	}()
	list := func() string {
		c, err := Dial(t.Context(), addr, DialOptions{Timeout: 10 * time.Second})
		if err != nil {
			return err.Error()
		}
		mods, err := c.List(t.Context())
		if err != nil {
			return err.Error()
		}
		return fmt.Sprint(mods)
	}
	waitFor(t, func() bool { return strings.Contains(list(), "first") }, "the daemon to serve")
	writeConf("second")
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(list(), "second") }, "the reload")
	if !bytes.Contains([]byte(stderr.String()), []byte("configuration reloaded")) {
		t.Errorf("reload not logged:\n%s", stderr.String())
	}
}

// waitFor polls cond (an outside process's state: a daemon's listener, a
// signal's effect) for up to 10 seconds.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestReloadKeepsProxiedSession: a session relayed through a gateway goes
// on after a reload that removed its proxy module.
func TestReloadKeepsProxiedSession(t *testing.T) {
	dir := moduleTree(t)
	ds := newDaemonSet(t, dir, "gw", "be")
	ds.start("be", backendCfg(""), false)
	gw := ds.start("gw", "[module.m]\nproxy = \"ferry://%ADDR:be%/data\"\n", false)
	c, err := Dial(t.Context(), gw.addr, DialOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	conn, _, err := c.Open(t.Context(), OpenOptions{Module: "m", Role: RoleSender})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := gw.srv.reload(func() (*Config, error) { return ParseConfig([]byte("[module.other]\npath = \"/\"\n"), "new.toml") }); err != nil {
		t.Fatal(err)
	}
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, "read hello.txt\n")
	if b, err := io.ReadAll(conn); err != nil || string(b) != "hello from pub" {
		t.Fatalf("proxied session after the reload: %q, %v", b, err)
	}
	if _, err := command(t, gw.addr, OpenOptions{Module: "m", Role: RoleSender}, "read hello.txt"); !errors.Is(err, ErrUnknownModule) {
		t.Errorf("the removed proxy module after the reload: %v", err)
	}
}
