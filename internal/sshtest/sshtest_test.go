package sshtest

import (
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/transport"
)

// runSSH runs argv with a deadline and returns its combined output.
func runSSH(t *testing.T, argv ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%q: timed out", argv)
	}
	return string(out), err
}

// split turns one of the server's command strings back into words the
// way ferry -e does.
func split(t *testing.T, cmd string) []string {
	t.Helper()
	argv, err := transport.SplitCommand(cmd)
	if err != nil {
		t.Fatalf("split %q: %v", cmd, err)
	}
	return argv
}

func TestSSHLogin(t *testing.T) {
	s := Start(t)
	port := strconv.Itoa(s.Port)
	tests := []struct {
		name string
		argv []string
	}{
		{"rsh", slices.Concat(split(t, s.RSH()), []string{s.Host})},
		{"rsh-no-port", slices.Concat(split(t, s.RSHNoPort()), []string{"-p", port, s.User + "@" + s.Host})},
		{"config-alias", slices.Concat(split(t, s.ConfigRSH()), []string{Alias})},
		{"ssh-url", slices.Concat(split(t, s.RSHNoPort()), []string{"ssh://" + s.User + "@" + s.Host + ":" + port})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runSSH(t, append(tc.argv, "echo", "hello", "$USER")...)
			if err != nil {
				t.Fatalf("%q: %v\n%s", tc.argv, err, out)
			}
			if want := "hello " + s.User + "\n"; out != want {
				t.Errorf("output %q, want %q", out, want)
			}
		})
	}
}

func TestSSHForcedCommand(t *testing.T) {
	s := Start(t)
	s.ForceCommand(t, `echo "forced:$SSH_ORIGINAL_COMMAND"`)
	out, err := runSSH(t, slices.Concat(split(t, s.RSH()), []string{s.Host, "asked", "for"})...)
	if err != nil {
		t.Fatalf("ssh: %v\n%s", err, out)
	}
	if want := "forced:asked for\n"; out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	s.Authorize(t, "")
	out, err = runSSH(t, slices.Concat(split(t, s.RSH()), []string{s.Host, "echo", "plain"})...)
	if err != nil || out != "plain\n" {
		t.Errorf("after Authorize(\"\"): %q, %v", out, err)
	}
}

// TestSSHRefusesOtherKeys checks the server is not open to any key: a key
// it was not given is refused (and BatchMode keeps ssh from prompting).
func TestSSHRefusesOtherKeys(t *testing.T) {
	s := Start(t)
	other := filepath.Join(t.TempDir(), "other")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	argv := split(t, s.RSH())
	for i, a := range argv {
		if strings.HasPrefix(a, "IdentityFile=") {
			argv[i] = "IdentityFile=" + other
		}
	}
	out, err := runSSH(t, append(argv, s.Host, "true")...)
	if err == nil {
		t.Fatalf("login with an unauthorized key succeeded: %s", out)
	}
	if !strings.Contains(out, "Permission denied") {
		t.Errorf("ssh output %q does not say Permission denied", out)
	}
}

func TestSSHStopsOnCleanup(t *testing.T) {
	var addr string
	t.Run("server", func(t *testing.T) {
		addr = Start(t).Addr()
	})
	if err := readBanner(addr, time.Second); err == nil {
		t.Errorf("sshd on %s still answers after its test ended", addr)
	}
}

func TestJoinCommandRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		words []string
	}{
		{"plain", []string{"ssh", "-p", "22", "-o", "UserKnownHostsFile=/tmp/x/known_hosts"}},
		{"space", []string{"ssh", "-F", "/tmp/with space/config"}},
		{"quote", []string{"it's", `a "b"`, `back\slash`}},
		{"empty", []string{"ssh", "", "x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := split(t, JoinCommand(tc.words))
			if !slices.Equal(got, tc.words) {
				t.Errorf("JoinCommand(%q) = %q splits to %q", tc.words, JoinCommand(tc.words), got)
			}
			sh, err := exec.Command("sh", "-c", `printf '%s\n' `+JoinCommand(tc.words)).Output()
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.Join(tc.words, "\n") + "\n"; string(sh) != want {
				t.Errorf("sh sees %q, want %q", sh, want)
			}
		})
	}
}
