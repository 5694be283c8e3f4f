package cli

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Remote shells for stuck peers. Each ignores the host, runs the rest of
// its command line (the remote ferry) or not, and creates $FERRY_TEST_MARK
// only after a silence of four seconds, when it would exit: a client that
// waited for the child instead of dropping it would find the mark. Their
// stderr goes to /dev/null so that the leftovers do not hold the test's.
const (
	// stallShell lets the remote ferry's first bytes through, then holds
	// the connection open without a word: stuck mid-transfer.
	stallShell = "#!/bin/sh\nexec 2>/dev/null\nwhile [ \"$1\" = -l ] || [ \"$1\" = -p ]; do shift 2; done\nshift\n" +
		"\"$@\" | { dd bs=1 count=40000 2>/dev/null; sleep 4; touch \"$FERRY_TEST_MARK\"; }\n"
	// muteShell never says anything: stuck before the handshake.
	muteShell = "#!/bin/sh\nexec 2>/dev/null\nsleep 4\ntouch \"$FERRY_TEST_MARK\"\n"
)

// TestTimeoutDropsStuckPeer pulls through remote shells that stop
// answering: with --timeout the client gives up with exit code 30 and
// says why, without waiting for the stuck child to exit.
func TestTimeoutDropsStuckPeer(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(reexecEnv, "1")
	src := t.TempDir()
	data := make([]byte, 2<<20)
	rand.Read(data)
	if err := os.WriteFile(filepath.Join(src, "big"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, script := range map[string]string{"mid-transfer": stallShell, "before-handshake": muteShell} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			rsh, mark := filepath.Join(dir, "rsh"), filepath.Join(dir, "mark")
			if err := os.WriteFile(rsh, []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			t.Setenv("FERRY_TEST_MARK", mark)
			code, _, stderr := runMain(t, "-e", rsh, "--ferry-path", self, "--timeout=1",
				"remotehost:"+src+"/", filepath.Join(t.TempDir(), "dst"))
			if code != ExitTimeout {
				t.Fatalf("exit %d, want %d\nstderr %s", code, ExitTimeout, stderr)
			}
			if !strings.Contains(stderr, "timeout: peer silent for 1s") {
				t.Errorf("stderr does not say the peer timed out:\n%s", stderr)
			}
			if _, err := os.Stat(mark); err == nil {
				t.Error("the client waited for the stuck remote shell to exit")
			}
		})
	}
}
