package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ferrysync/ferry"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, ExitOK},
		{"usage", usagef("ferry: bad"), ExitUsage},
		{"wrapped usage", fmt.Errorf("parse: %w", usagef("ferry: bad")), ExitUsage},
		{"file select", &fileSelectError{os.ErrNotExist}, ExitFileSelect},
		{"canceled", fmt.Errorf("sync: %w", context.Canceled), ExitSignal},
		{"deadline", context.DeadlineExceeded, ExitTimeout},
		{"io deadline", os.ErrDeadlineExceeded, ExitTimeout},
		{"exec", &exec.Error{Name: "ssh", Err: exec.ErrNotFound}, ExitStartup},
		{"socket", &net.OpError{Op: "read", Err: errors.New("connection reset")}, ExitSocketIO},
		{"not exist", fmt.Errorf("open src: %w", fs.ErrNotExist), ExitFileSelect},
		{"other", errors.New("disk on fire"), ExitIO},
		{"errno is not a socket error", &os.PathError{Op: "read", Path: "f", Err: syscall.EIO}, ExitIO},
		{"destination", fmt.Errorf("mkdir d: %w: %w", ferry.ErrDestination, fs.ErrNotExist), ExitIO},
		{"partial", fmt.Errorf("sync: %w", &ferry.PartialError{Errors: 2, Vanished: 1}), ExitPartial},
		{"only vanished", &ferry.PartialError{Errors: 3, Vanished: 3}, ExitVanished},
		{"protocol", fmt.Errorf("read: %w", ferry.ErrProtocol), ExitStream},
		{"timeout", fmt.Errorf("read: %w", ferry.ErrTimeout), ExitTimeout},
		{"bad operand", fmt.Errorf("%w: both remote", ferry.ErrBadOperand), ExitUsage},
		{"bad option", fmt.Errorf("%w: absolute partial dir", ferry.ErrBadOption), ExitUsage},
		{"not supported", fmt.Errorf("%w: daemon", ferry.ErrNotSupported), ExitUsage},
		{"destination not a directory", fmt.Errorf("pass: %w", ferry.ErrNotDir), ExitFileSelect},
		{"ssh failed", &ferry.ShellExitError{Status: 255}, ExitShell},
		{"remote command not found", &ferry.ShellExitError{Status: 127}, ExitCmdNotFound},
		{"remote command not run", &ferry.ShellExitError{Status: 126}, ExitCmdNotRun},
		{"remote shell exited 1", &ferry.ShellExitError{Status: 1}, ExitStartup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exitCode(tt.err); got != tt.want {
				t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

// TestExitCodeRuns runs the command line in-process on real trees and
// checks the exit code, the messages and that nothing is created where
// nothing may be (issue 9). Every error line has one "ferry:" prefix, and
// a local copy never calls its own sender "remote".
func TestExitCodeRuns(t *testing.T) {
	type env struct{ dir, src string }
	tests := []struct {
		name    string
		args    func(e env) []string
		cancel  bool     // run with a cancelled context
		code    int      // want
		msgs    []string // substrings of stderr
		absent  []string // paths (relative to the test directory) that must not exist
		regular []string // paths that must be regular files
	}{
		{name: "every source missing, file destination",
			args: func(e env) []string { return []string{e.dir + "/nosuch.txt", e.dir + "/out.txt"} },
			code: ExitPartial, msgs: []string{"nosuch.txt", "no such file or directory", "(code 23)"}, absent: []string{"out.txt"}},
		{name: "every source missing, directory destination",
			args: func(e env) []string { return []string{e.dir + "/no1", e.dir + "/no2/", e.dir + "/out/"} },
			code: ExitPartial, msgs: []string{"no1", "no2"}, absent: []string{"out"}},
		{name: "one source missing, one file copied to a file name",
			args: func(e env) []string { return []string{e.dir + "/nosuch", e.src + "/a", e.dir + "/out"} },
			code: ExitPartial, msgs: []string{"nosuch"}, regular: []string{"out"}},
		{name: "directory into a file",
			args: func(e env) []string { return []string{e.src, e.dir + "/file.txt"} },
			code: ExitFileSelect, msgs: []string{"must be a directory", "file.txt", "(code 3)"}, regular: []string{"file.txt"}},
		{name: "contents of a directory into a file",
			args: func(e env) []string { return []string{e.src + "/", e.dir + "/file.txt"} },
			code: ExitFileSelect, msgs: []string{"must be a directory"}, regular: []string{"file.txt"}},
		{name: "two files into a file",
			args: func(e env) []string { return []string{e.src + "/a", e.src + "/b", e.dir + "/file.txt"} },
			code: ExitFileSelect, msgs: []string{"must be a directory"}, regular: []string{"file.txt"}},
		{name: "a file under a file",
			args: func(e env) []string { return []string{e.src + "/a", e.dir + "/file.txt/x"} },
			code: ExitFileSelect, msgs: []string{"file.txt is not a directory"}, regular: []string{"file.txt"}},
		{name: "a directory under a file",
			args: func(e env) []string { return []string{e.src + "/", e.dir + "/file.txt/x/"} },
			code: ExitFileSelect, msgs: []string{"not a directory"}, regular: []string{"file.txt"}},
		{name: "password file without a daemon",
			args: func(e env) []string {
				return []string{"--password-file=" + e.dir + "/file.txt", e.src + "/", e.dir + "/out/"}
			},
			code: ExitUsage, msgs: []string{"--password-file option may only be used when accessing a ferry daemon"}, absent: []string{"out"}},
		{name: "ssh failed",
			args: func(e env) []string { return []string{"-e", e.dir + "/exit255", e.src + "/", "host:out/"} },
			code: ExitShell, msgs: []string{"remote shell failed", "(code 255)"}},
		{name: "remote ferry not found",
			args: func(e env) []string {
				return []string{"-e", e.dir + "/exit127", "host:" + e.src + "/", e.dir + "/out/"}
			},
			code: ExitCmdNotFound, msgs: []string{"remote command not found", "(code 127)"}, absent: []string{"out"}},
		{name: "remote shell exited otherwise",
			args: func(e env) []string { return []string{"-e", e.dir + "/exit1", e.src + "/", "host:out/"} },
			code: ExitStartup, msgs: []string{"exited with status 1", "(code 5)"}},
		{name: "interrupted",
			args:   func(e env) []string { return []string{e.src + "/", e.dir + "/out/"} },
			cancel: true, code: ExitSignal, msgs: []string{"received a signal", "(code 20)"}},
		{name: "-avh copies",
			args: func(e env) []string { return []string{"-avh", e.src + "/", e.dir + "/out/"} },
			code: ExitOK, regular: []string{"out/a", "out/b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := env{dir: t.TempDir(), src: t.TempDir()}
			writeTree(t, e.src, map[string]string{"a": "alpha", "b": "bravo"})
			writeTree(t, e.dir, map[string]string{"file.txt": "a file, not a directory"})
			for _, n := range []int{1, 127, 255} {
				script := fmt.Sprintf("#!/bin/sh\nexit %d\n", n)
				if err := os.WriteFile(fmt.Sprintf("%s/exit%d", e.dir, n), []byte(script), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			ctx := t.Context()
			if tt.cancel {
				c, cancel := context.WithCancel(ctx)
				cancel()
				ctx = c
			}
			var stdout, stderr strings.Builder
			code := Main(ctx, tt.args(e), nil, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout %s\nstderr %s", code, tt.code, stdout.String(), stderr.String())
			}
			for _, m := range tt.msgs {
				if !strings.Contains(stderr.String(), m) {
					t.Errorf("stderr lacks %q:\n%s", m, stderr.String())
				}
			}
			for _, bad := range []string{"(remote)", "ferry: ferry:", ": ferry: "} {
				if strings.Contains(stderr.String(), bad) {
					t.Errorf("stderr has %q:\n%s", bad, stderr.String())
				}
			}
			for _, p := range tt.absent {
				if _, err := os.Lstat(filepath.Join(e.dir, p)); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("%s was created (%v)", p, err)
				}
			}
			for _, p := range tt.regular {
				if fi, err := os.Lstat(filepath.Join(e.dir, p)); err != nil || !fi.Mode().IsRegular() {
					t.Errorf("%s is not a regular file: %v", p, err)
				}
			}
		})
	}
}
