package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// fakeRemoteShell writes a remote shell that ignores the host and runs the
// rest of its command line locally, as "ssh host cmd..." would remotely.
func fakeRemoteShell(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rsh")
	script := "#!/bin/sh\nwhile [ \"$1\" = -l ] || [ \"$1\" = -p ]; do shift 2; done\nshift\nexec \"$@\"\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRemoteShellRoundTrip pushes and pulls through "-e" with the test
// binary as the remote ferry, which exercises "ferry --server".
func TestRemoteShellRoundTrip(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(reexecEnv, "1")
	rsh := fakeRemoteShell(t)
	src := t.TempDir()
	writeTree(t, src, sourceFiles)

	pushed := filepath.Join(t.TempDir(), "pushed")
	code, stdout, stderr := runMain(t, "-e", rsh, "--ferry-path", self, src+"/", "remotehost:"+pushed)
	if code != ExitOK {
		t.Fatalf("push: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	diffSnapshots(t, snapshot(t, pushed), snapshot(t, src))

	pulled := filepath.Join(t.TempDir(), "pulled")
	code, stdout, stderr = runMain(t, "-e", rsh, "--ferry-path="+self, "remotehost:"+pushed+"/", pulled)
	if code != ExitOK {
		t.Fatalf("pull: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	diffSnapshots(t, snapshot(t, pulled), snapshot(t, src))
}
