package e2e

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// nobody is the unprivileged user the read-error tests run as: root reads
// every directory.
const nobody = 65534

// TestIgnoreErrorsAsNobody runs rsync and ferry as an unprivileged user
// on a source with an unreadable directory. With --delete --ignore-errors
// both delete what the source does not show, under the unreadable
// directory too: same tree, same exit code. With --delete alone, ferry
// keeps what lies under the unreadable directory (rsync keeps everything:
// it skips every deletion after an I/O error).
func TestIgnoreErrorsAsNobody(t *testing.T) {
	needFerry(t)
	rsync := needRsync(t)
	if os.Geteuid() != 0 {
		t.Skip("needs root to run as another user")
	}
	base, err := os.MkdirTemp("", "ferry-e2e-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(base, "ferry")
	copyFile(t, ferryBin, bin)
	src := filepath.Join(base, "src")
	buildTree(t, src, []node{
		{path: ".", kind: kDir}, {path: "a", kind: kFile, data: []byte("a")},
		{path: "bad/f", kind: kFile, data: []byte("f")}, {path: "ok/g", kind: kFile, data: []byte("g")},
	})
	stale := []node{
		{path: ".", kind: kDir}, {path: "a", kind: kFile, data: []byte("a")}, {path: "extra.txt", kind: kFile, data: []byte("x")},
		{path: "bad/old.txt", kind: kFile, data: []byte("old")}, {path: "bad/f", kind: kFile, data: []byte("f")},
		{path: "ok/g", kind: kFile, data: []byte("g")}, {path: "ok/extra", kind: kFile, data: []byte("x")},
	}
	for _, args := range [][]string{{"--delete", "--ignore-errors"}, {"--delete-after", "--ignore-errors"}, {"--delete"}} {
		t.Run(args[len(args)-1]+"/"+args[0], func(t *testing.T) {
			dir := filepath.Join(base, filepath.Base(t.Name()))
			rdst, fdst := filepath.Join(dir, "rsync"), filepath.Join(dir, "ferry")
			buildTree(t, rdst, stale)
			buildTree(t, fdst, stale)
			chownTree(t, base)
			if err := os.Chmod(filepath.Join(src, "bad"), 0); err != nil {
				t.Fatal(err)
			}
			defer os.Chmod(filepath.Join(src, "bad"), 0o755)
			rr := runAs(t, rsync, append([]string{"-a"}, append(args, src+"/", rdst+"/")...)...)
			fr := runAs(t, bin, append(args, src+"/", fdst+"/")...)
			if rr.code != 23 {
				t.Fatalf("rsync exit %d, want 23: %v", rr.code, rr)
			}
			if fr.code != rr.code {
				t.Errorf("exit code: rsync %d, ferry %d\nrsync: %v\nferry: %v", rr.code, fr.code, rr, fr)
			}
			if len(args) > 1 {
				requireSameTree(t, "ferry vs rsync", takeSnapshot(t, rdst), takeSnapshot(t, fdst), compareOpts{ignoreRootMtime: true})
				return
			}
			if _, err := os.Lstat(filepath.Join(fdst, "bad", "old.txt")); err != nil {
				t.Errorf("without --ignore-errors, an entry under the unreadable directory went: %v", err)
			}
			if _, err := os.Lstat(filepath.Join(fdst, "ok", "extra")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("an extraneous entry elsewhere stayed: %v", err)
			}
		})
	}
}

// runAs runs name as the user nobody.
func runAs(t *testing.T, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{args: append([]string{name}, args...), stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("run %s: %v", name, err)
	}
	return r
}

// chownTree gives every entry under root to nobody.
func chownTree(t *testing.T, root string) {
	t.Helper()
	err := filepath.Walk(root, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, nobody, nobody)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// copyFile copies the executable from to to.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
