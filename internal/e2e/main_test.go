package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ferrysync/ferry/internal/peertest"
)

// ferryBin is the ferry binary built once by TestMain; buildErr is why it
// could not be built.
var (
	ferryBin string
	buildErr error
	// scratch is a directory shared by the tests of one run (read-only
	// source trees generated once); TestMain removes it.
	scratch string
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "ferry-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 2
	}
	defer os.RemoveAll(dir)
	scratch = dir
	if bin := os.Getenv("FERRY_E2E_BIN"); bin != "" {
		// A prebuilt binary (or, to check the harness itself, a script
		// running rsync -a "$@").
		ferryBin = bin
		return m.Run()
	}
	ferryBin = filepath.Join(dir, "ferry")
	cmd := exec.Command("go", "build", "-o", ferryBin, "github.com/ferrysync/ferry/cmd/ferry")
	if out, err := cmd.CombinedOutput(); err != nil {
		buildErr = fmt.Errorf("go build ./cmd/ferry: %w\n%s", err, out)
	}
	return m.Run()
}

// needFerry fails the test when the ferry binary could not be built.
func needFerry(t *testing.T) {
	t.Helper()
	if buildErr != nil {
		t.Fatal(buildErr)
	}
}

// needRsync returns the path of rsync. A missing rsync fails the test under
// CI=true and skips it otherwise.
func needRsync(t *testing.T) string {
	t.Helper()
	return peertest.Need(t, "rsync", "rsync")
}

// long reports whether the heavy variants were asked for (FERRY_E2E_LONG=1).
func long() bool { return os.Getenv("FERRY_E2E_LONG") == "1" }
