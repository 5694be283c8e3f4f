// Package peertest finds the real programs that ferry's interop tests run
// against (rdiff, rsync, sshd). A missing peer fails the test under CI=true,
// where the test script has installed it, and skips it elsewhere with a
// message saying what to install.
package peertest

import (
	"os"
	"os/exec"
	"testing"
)

// Need returns the path of program, or ends t: with Fatal when CI=true, with
// Skip otherwise. pkg names the Debian package that provides it.
func Need(t testing.TB, program, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required under CI=true: %v", program, err)
		} else {
			t.Skipf("%s not installed (apt-get install %s): %v", program, pkg, err)
		}
	}
	return p
}
