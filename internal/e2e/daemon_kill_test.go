package e2e

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestDaemonKillLeavesNoTemps kills a daemon (SIGKILL, its process group)
// while a client pushes files that replace existing ones, so that their
// temp files are on disk, then serves the module again and pushes the same
// tree without --delete: the killed daemon's temp files must be gone, the
// files complete (issue 11, item 5).
func TestDaemonKillLeavesNoTemps(t *testing.T) {
	needFerry(t)
	base := t.TempDir()
	src, mod := filepath.Join(base, "src"), filepath.Join(base, "mod")
	const files, size = 4, 2 << 20
	for _, d := range []string{src, mod} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for i := range files {
		name := fmt.Sprintf("f%d", i)
		if err := os.WriteFile(filepath.Join(src, name), bytes.Repeat([]byte{byte('a' + i)}, size), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(mod, name), []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	conf := filepath.Join(base, "ferryd.toml")
	cfg := fmt.Sprintf("listen = [%q]\n[module.m]\npath = %q\nread_only = false\nuid = 0\n", addr, mod) // uid 0: the test directory is root's
	if err := os.WriteFile(conf, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	dest := "ferry://" + addr + "/m/"

	daemon := serveDaemon(t, conf, addr)
	client := exec.CommandContext(t.Context(), ferryBin, "-I", "--bwlimit=256K", src+"/", dest)
	if err := client.Start(); err != nil {
		t.Fatal(err)
	}
	temps := waitFor(t, func() []string { return tempsIn(t, mod, true) })
	if err := syscall.Kill(-daemon.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	daemon.Wait()
	client.Wait()
	left := tempsIn(t, mod, false)
	if len(left) == 0 {
		t.Fatalf("no temp file left by the kill (saw %q while it ran)", temps)
	}
	t.Logf("the killed daemon left %q", left)

	daemon = serveDaemon(t, conf, addr)
	defer func() {
		syscall.Kill(-daemon.Process.Pid, syscall.SIGKILL)
		daemon.Wait()
	}()
	if res := run(t, ferryBin, "-I", src+"/", dest); res.code != 0 {
		t.Fatalf("second run: %v", res)
	}
	if left := tempsIn(t, mod, false); len(left) > 0 {
		t.Errorf("the second run left the killed daemon's temp files %q", left)
	}
	for i := range files {
		b, err := os.ReadFile(filepath.Join(mod, fmt.Sprintf("f%d", i)))
		if err != nil || len(b) != size {
			t.Errorf("f%d: %d bytes, %v", i, len(b), err)
		}
	}
}

// serveDaemon starts "ferry serve" in its own process group and waits
// until it accepts connections.
func serveDaemon(t *testing.T, conf, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(ferryBin, "serve", "--config", conf)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() []string {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return nil
		}
		c.Close()
		return []string{addr}
	})
	return cmd
}

// tempsIn lists the temp files directly in dir (with data only, when
// nonEmpty).
func tempsIn(t *testing.T, dir string, nonEmpty bool) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if !tempName.MatchString(e.Name()) {
			continue
		}
		if fi, err := e.Info(); err == nil && (!nonEmpty || fi.Size() > 0) {
			out = append(out, e.Name())
		}
	}
	return out
}

// waitFor polls cond until it returns something, for at most 30 seconds:
// the state it waits for is another process's, with nothing to wait on.
func waitFor(t *testing.T, cond func() []string) []string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if got := cond(); len(got) > 0 {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
