package e2e

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/sshtest"
)

// closedPort returns a port on 127.0.0.1 nothing listens on (one the
// kernel just handed out and took back).
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// TestSSHErrors checks that failures on the far side or of ssh itself end
// ferry promptly with a non-zero exit code and a message naming the cause.
func TestSSHErrors(t *testing.T) {
	s := startSSH(t)
	src := sharedSource(t, plainTree)
	base := t.TempDir()
	notDir := filepath.Join(base, "file.txt")
	writeFile(t, notDir, []byte("a file, not a directory"))
	missing := filepath.Join(base, "no-such-dir")
	bad := strconv.Itoa(closedPort(t))
	badRSH := sshtest.JoinCommand(append(s.SSHArgs(), "-p", bad))
	tests := []struct {
		name     string
		args     []string // after ferry -H
		wantCode []int    // any of these; nil: any non-zero code
		wantMsg  []string // substrings of stderr
		absent   string   // a path that must not have been created
	}{
		{name: "pull-missing-source",
			args:    []string{"-e", s.RSH(), "--ferry-path", ferryBin, s.Host + ":" + missing + "/", base + "/pulled/"},
			wantMsg: []string{missing, "no such file"}},
		{name: "push-dest-under-a-file",
			args:    []string{"-e", s.RSH(), "--ferry-path", ferryBin, src + "/", s.Host + ":" + notDir + "/sub/"},
			wantMsg: []string{"file.txt", "not a directory"}},
		{name: "pull-source-under-a-file",
			args:    []string{"-e", s.RSH(), "--ferry-path", ferryBin, s.Host + ":" + notDir + "/sub/", base + "/pulled2/"},
			wantMsg: []string{"file.txt", "not a directory"}},
		// The destination is a file: rsync's "errors selecting
		// input/output files, dirs" (3), told by the remote receiver.
		{name: "push-dir-into-a-file",
			args:     []string{"-e", s.RSH(), "--ferry-path", ferryBin, src + "/", s.Host + ":" + notDir},
			wantCode: []int{3}, wantMsg: []string{"file.txt", "must be a directory"}},
		// Every source failed: the remote receiver creates nothing.
		{name: "push-missing-source",
			args:     []string{"-e", s.RSH(), "--ferry-path", ferryBin, missing, s.Host + ":" + base + "/v"},
			wantCode: []int{23}, wantMsg: []string{missing}, absent: base + "/v"},
		// As in rsync: a remote command not found is 127, a failure of
		// ssh itself 255 (docs/EXIT-CODES.md).
		{name: "remote-ferry-missing",
			args:     []string{"-e", s.RSH(), "--ferry-path", "/nonexistent/ferry", src + "/", s.Host + ":" + base + "/x/"},
			wantCode: []int{127}, wantMsg: []string{"/nonexistent/ferry", "remote command not found"}},
		{name: "ssh-wrong-port",
			args:     []string{"-e", badRSH, "--ferry-path", ferryBin, src + "/", s.Host + ":" + base + "/y/"},
			wantCode: []int{255}, wantMsg: []string{"Connection refused"}},
		{name: "ssh-url-wrong-port",
			args: []string{"-e", s.RSHNoPort(), "--ferry-path", ferryBin,
				"ssh://" + s.User + "@" + s.Host + ":" + bad + "/" + missing, base + "/z/"},
			wantCode: []int{255}, wantMsg: []string{"Connection refused"}},
		{name: "rsh-missing",
			args:     []string{"-e", "/nonexistent/ssh", "--ferry-path", ferryBin, src + "/", s.Host + ":" + base + "/w/"},
			wantCode: []int{5}, wantMsg: []string{"/nonexistent/ssh"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runEnv(t, nil, ferryBin, append([]string{"-H"}, tc.args...)...)
			switch {
			case r.code == 0:
				t.Errorf("exit 0, want a failure: %v", r)
			case tc.wantCode != nil && !slices.Contains(tc.wantCode, r.code):
				t.Errorf("exit %d, want one of %v: %v", r.code, tc.wantCode, r)
			}
			for _, m := range tc.wantMsg {
				if !strings.Contains(strings.ToLower(r.stderr), strings.ToLower(m)) {
					t.Errorf("stderr does not mention %q: %v", m, r)
				}
			}
			if !strings.Contains(r.stderr, "(code "+strconv.Itoa(r.code)+")") {
				t.Errorf("no final line with the exit code: %v", r)
			}
			if strings.Contains(r.stderr, ": ferry: ") {
				t.Errorf("a doubled ferry: prefix: %v", r)
			}
			if n := strings.Count(r.stderr, "(code "); n != 1 {
				t.Errorf("%d final lines, want 1 (the remote side's error printed by both sides?): %v", n, r)
			}
			if tc.absent != "" {
				if _, err := os.Lstat(tc.absent); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("%s was created (%v): %v", tc.absent, err, r)
				}
			}
		})
	}
}
