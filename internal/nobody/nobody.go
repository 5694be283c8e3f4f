// Package nobody runs a test as an unprivileged user. Root reads every
// file and opens every directory, so the tests of what ferry does with an
// unreadable source (report it, exit partial, never delete what it covers)
// would pass without checking anything when the suite runs as root, as it
// does in CI. Under root, Run re-executes the test binary as uid and gid
// 65534 with only that test selected, and ends the test with the child's
// result; without root the test simply goes on.
package nobody

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// ID is the uid and gid the child runs as.
const ID = 65534

// childEnv marks the child process, so that it never re-executes itself.
const childEnv = "FERRY_NOBODY_CHILD"

// Run reports whether the calling test should go on in this process: true
// when it is not running as root (or is the child). As root it runs the
// test again as nobody in a child process, fails t if the child fails,
// logs the child's output and returns false: the caller then returns.
//
// The child gets a TMPDIR of its own, owned by nobody, so that t.TempDir
// works there; its working directory is that TMPDIR too, so testdata is
// out of reach. Run must be called from a top-level test, before it makes
// any file.
func Run(t *testing.T) bool {
	t.Helper()
	if os.Geteuid() != 0 || os.Getenv(childEnv) != "" {
		return true
	}
	if strings.Contains(t.Name(), "/") {
		t.Fatal("nobody.Run called from a subtest")
	}
	dir, err := os.MkdirTemp("", "ferry-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "test.bin")
	if err := copyExe(exe); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(tmp, ID, ID); err != nil {
		t.Fatal(err)
	}
	args := []string{"-test.run=^" + regexp.QuoteMeta(t.Name()) + "$", "-test.v", "-test.count=1"}
	cmd := exec.CommandContext(t.Context(), exe, args...)
	cmd.Dir = tmp // the package directory may be closed to nobody
	cmd.Env = append(os.Environ(), childEnv+"=1", "TMPDIR="+tmp, "HOME="+tmp)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: ID, Gid: ID}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("as uid %d: %v\n%s", ID, err, out)
	}
	if strings.Contains(string(out), "--- SKIP: "+t.Name()) {
		t.Skipf("as uid %d, the test skipped:\n%s", ID, out)
	}
	if !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("as uid %d, the test did not run:\n%s", ID, out)
	}
	t.Logf("ran as uid %d:\n%s", ID, out)
	return false
}

// copyExe copies the running test binary to dst, executable by all.
func copyExe(dst string) error {
	src, err := os.Executable()
	if err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
