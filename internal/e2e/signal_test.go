package e2e

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestSignalStops interrupts ferry in the middle of a transfer, locally
// and pulling over ssh, with each signal rsync stops on: ferry must exit
// 20 saying it received a signal, as rsync does ("received SIGINT,
// SIGTERM, or SIGHUP (code 20)"), not report the closed connection as an
// I/O error. --bwlimit keeps the run going for seconds; the signal is sent
// once -v has printed the first name.
func TestSignalStops(t *testing.T) {
	needFerry(t)
	src := t.TempDir()
	data := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
	for i := range 100 {
		writeFile(t, filepath.Join(src, fmt.Sprintf("f%03d", i)), data)
	}
	tests := []struct {
		name string
		sig  syscall.Signal
		ssh  bool
	}{
		{"local-SIGINT", syscall.SIGINT, false},
		{"local-SIGTERM", syscall.SIGTERM, false},
		{"local-SIGHUP", syscall.SIGHUP, false},
		{"ssh-pull-SIGINT", syscall.SIGINT, true},
		{"ssh-pull-SIGTERM", syscall.SIGTERM, true},
	}
	var rsh, host string // the sshd, started for the first ssh case
	for _, tc := range tests {
		if tc.ssh && rsh == "" {
			s := startSSH(t)
			rsh, host = s.RSH(), s.Host
		}
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"-v", "--bwlimit=256", src + "/", filepath.Join(t.TempDir(), "dst") + "/"}
			if tc.ssh {
				args[2] = host + ":" + src + "/"
				args = append([]string{"-e", rsh, "--ferry-path", ferryBin}, args...)
			}
			code, stderr := interruptAfterFirstLine(t, tc.sig, args...)
			want := "received a signal (" + sigName(tc.sig) + ")"
			if code != 20 || !strings.Contains(stderr, want) || !strings.Contains(stderr, "(code 20)") {
				t.Errorf("after %v: exit %d, stderr %q; want exit 20 and %q", tc.sig, code, stderr, want)
			}
		})
	}
}

// interruptAfterFirstLine runs ferry with args, sends it sig once it has
// printed a line on stdout, and returns its exit code and stderr.
func interruptAfterFirstLine(t *testing.T, sig syscall.Signal, args ...string) (int, string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), ferryBin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	if !sc.Scan() {
		cmd.Wait()
		t.Fatalf("no output before the end; stderr %s", stderr.String())
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	for sc.Scan() { // drain, so that ferry never blocks on stdout
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stderr.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), stderr.String()
	}
	t.Fatal(err)
	return 0, ""
}

func sigName(s syscall.Signal) string {
	return map[syscall.Signal]string{syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM", syscall.SIGHUP: "SIGHUP"}[s]
}
