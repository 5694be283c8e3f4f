package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ferrysync/ferry"
	"github.com/ferrysync/ferry/internal/sshtest"
)

// forcedCommand is the authorized_keys command that allows exactly the
// run ferry starts for one remote path (docs/SSH.md): the binary, then
// ferry.ServerArgs, each word quoted for the login shell.
func forcedCommand(sender bool, path string) string {
	return sshtest.JoinCommand(append([]string{ferryBin}, ferry.ServerArgs(sender, []string{path})...))
}

// TestSSHForcedCommand restricts the client key to one ferry command line
// with command="..." in authorized_keys: the documented push and pull
// still work, and anything else is refused with a clear message.
func TestSSHForcedCommand(t *testing.T) {
	needFerry(t)
	src := sharedSource(t, plainTree)
	want := takeSnapshot(t, src)
	tests := []struct {
		name    string
		forced  func(remote string) string // the forced command for the remote directory
		push    bool
		operand func(remote string) string // the remote operand the client uses
		wantMsg string                     // "" when the run must succeed
	}{
		{name: "push", push: true,
			forced:  func(remote string) string { return forcedCommand(false, remote+"/") },
			operand: func(remote string) string { return remote + "/" }},
		{name: "pull", push: false,
			forced:  func(remote string) string { return forcedCommand(true, remote+"/") },
			operand: func(remote string) string { return remote + "/" }},
		{name: "push-other-path-refused", push: true,
			forced:  func(remote string) string { return forcedCommand(false, remote+"/") },
			operand: func(remote string) string { return filepath.Dir(remote) + "/elsewhere/" },
			wantMsg: "do not match"},
		{name: "push-to-pull-only-key-refused", push: true,
			forced:  func(remote string) string { return forcedCommand(true, remote+"/") },
			operand: func(remote string) string { return remote + "/" },
			wantMsg: "role does not match"},
		// Without paths after "--" only the role is checked.
		{name: "pathless-command-any-path", push: true,
			forced:  func(string) string { return sshtest.JoinCommand([]string{ferryBin, "--server", "--"}) },
			operand: func(remote string) string { return remote + "/" }},
		{name: "pull-from-push-only-key-refused", push: false,
			forced:  func(remote string) string { return forcedCommand(false, remote+"/") },
			operand: func(remote string) string { return remote + "/" },
			wantMsg: "role does not match"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := sshtest.Start(t)
			base := t.TempDir()
			remote, local := filepath.Join(base, "remote"), filepath.Join(base, "local")
			if !tc.push {
				buildTree(t, remote, sourceNodes(plainTree))
			}
			s.ForceCommand(t, tc.forced(remote))
			from, to := src+"/", s.Host+":"+tc.operand(remote)
			if !tc.push {
				from, to = s.Host+":"+tc.operand(remote), local+"/"
			}
			// --ferry-path is ignored by a forced command; give a wrong one
			// to show that.
			r := runEnv(t, nil, ferryBin, "-H", "-e", s.RSH(), "--ferry-path", "/not/used", from, to)
			if tc.wantMsg != "" {
				if r.code == 0 || !strings.Contains(r.stderr, tc.wantMsg) {
					t.Errorf("want a failure saying %q: %v", tc.wantMsg, r)
				}
				if _, err := os.Lstat(filepath.Join(base, "elsewhere")); err == nil {
					t.Errorf("a refused push created %s", filepath.Join(base, "elsewhere"))
				}
				return
			}
			if r.code != 0 {
				t.Fatalf("exit %d: %v", r.code, r)
			}
			got := remote
			if !tc.push {
				got = local
			}
			requireSameTree(t, "transferred tree", want, takeSnapshot(t, got), compareOpts{})
		})
	}
}

// TestSSHDefaultCommand runs ferry without -e: it must start "ssh" from
// PATH (here a wrapper adding the test server's options, as a user's
// ~/.ssh/config would) and pass the ssh:// URL's user and port to it.
func TestSSHDefaultCommand(t *testing.T) {
	s := startSSH(t)
	src := sharedSource(t, plainTree)
	bin := t.TempDir()
	args := s.SSHArgs()
	real, err := exec.LookPath(args[0])
	if err != nil {
		t.Fatal(err)
	}
	args[0] = real // not the wrapper itself
	wrapper := "#!/bin/sh\nexec " + sshtest.JoinCommand(args) + ` "$@"` + "\n"
	if err := os.WriteFile(filepath.Join(bin, "ssh"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")}
	dst := filepath.Join(t.TempDir(), "dst")
	url := "ssh://" + s.User + "@" + s.Host + ":" + strconv.Itoa(s.Port) + "/" + dst + "/"
	r := runEnv(t, env, ferryBin, "-H", "--ferry-path", ferryBin, src+"/", url)
	if r.code != 0 {
		t.Fatalf("push without -e: %v", r)
	}
	requireSameTree(t, "pushed tree", takeSnapshot(t, src), takeSnapshot(t, dst), compareOpts{})
}
