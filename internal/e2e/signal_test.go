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
		name  string
		sig   syscall.Signal
		ssh   bool
		group bool // signal the process group, as ^C in a terminal does (ssh too)
	}{
		{"local-SIGINT", syscall.SIGINT, false, false},
		{"local-SIGTERM", syscall.SIGTERM, false, false},
		{"local-SIGHUP", syscall.SIGHUP, false, false},
		{"ssh-pull-SIGINT", syscall.SIGINT, true, false},
		{"ssh-pull-SIGTERM", syscall.SIGTERM, true, false},
		{"ssh-pull-SIGINT-group", syscall.SIGINT, true, true},
		{"ssh-push-SIGINT-group", syscall.SIGINT, true, true},
	}
	var rsh, host string // the sshd, started for the first ssh case
	for _, tc := range tests {
		if tc.ssh && rsh == "" {
			s := startSSH(t)
			rsh, host = s.RSH(), s.Host
		}
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"-v", "--bwlimit=256", src + "/", filepath.Join(t.TempDir(), "dst") + "/"}
			switch {
			case strings.HasPrefix(tc.name, "ssh-pull"):
				args[2] = host + ":" + src + "/"
			case strings.HasPrefix(tc.name, "ssh-push"):
				args[3] = host + ":" + args[3]
			}
			if tc.ssh {
				args = append([]string{"-e", rsh, "--ferry-path", ferryBin}, args...)
			}
			code, stderr := interruptAfterFirstLine(t, tc.sig, tc.group, args...)
			want := "received a signal (" + sigName(tc.sig) + ")"
			if code != 20 || !strings.Contains(stderr, want) || !strings.Contains(stderr, "(code 20)") {
				t.Errorf("after %v: exit %d, stderr %q; want exit 20 and %q", tc.sig, code, stderr, want)
			}
		})
	}
}

// interruptAfterFirstLine runs ferry with args, sends it (with group, its
// whole process group) sig once it has printed a line on stdout, and
// returns its exit code and stderr.
func interruptAfterFirstLine(t *testing.T, sig syscall.Signal, group bool, args ...string) (int, string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), ferryBin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
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
	pid := cmd.Process.Pid
	if group {
		pid = -pid
	}
	if err := syscall.Kill(pid, sig); err != nil {
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
