package e2e

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sshTimeout bounds one ferry run over ssh: a few seconds each when all
// is well, so a hang fails fast instead of after runTimeout.
const sshTimeout = 20 * time.Second

// runEnv runs name with args and extra environment (KEY=VALUE) within
// sshTimeout; a run that does not finish by then fails t.
func runEnv(t *testing.T, env []string, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), sshTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{args: append([]string{name}, args...), stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil && t.Context().Err() == nil:
		t.Fatalf("hung: no exit after %v: %v", sshTimeout, r)
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("run %s: %v", name, err)
	}
	return r
}

// statInt is statValue as a number; a missing line fails t.
func statInt(t *testing.T, r result, key string) int64 {
	t.Helper()
	v := statValue(r.stdout, key)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		t.Fatalf("no number for %q in --stats output (%q): %v", key, v, r)
	}
	return n
}

// TestSSHDelta updates a large file with a small edit, pushing and then
// pulling: the delta must carry far fewer bytes than the file.
func TestSSHDelta(t *testing.T) {
	s := startSSH(t)
	const size = 8 << 20
	r := rand.New(rand.NewPCG(7, 8))
	data := randBytes(r, size)
	local, remote := filepath.Join(t.TempDir(), "local"), filepath.Join(t.TempDir(), "remote")
	buildTree(t, local, []node{{path: "big.bin", kind: kFile, data: data}})
	if res := ferrySSH(t, s.RSH(), local+"/", s.Host+":"+remote+"/"); res.code != 0 {
		t.Fatalf("initial push: %v", res)
	}

	edit := func(dir string, off int, mtime int64) {
		t.Helper()
		copy(data[off:], bytes.Repeat([]byte("edited!"), 150))
		buildTree(t, dir, []node{{path: "big.bin", kind: kFile, data: data, mtime: mtime}})
	}
	tests := []struct {
		name    string
		editDir string
		from    func() string
		to      func() string
		moved   string // the --stats line counting bytes on the wire towards the receiver
	}{
		{"push", local, func() string { return local + "/" }, func() string { return s.Host + ":" + remote + "/" }, "Total bytes sent"},
		{"pull", remote, func() string { return s.Host + ":" + remote + "/" }, func() string { return local + "/" }, "Total bytes received"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			edit(tc.editDir, size/3+i*size/4, baseTime+int64(i+1)*1e9)
			res := ferrySSH(t, s.RSH(), "--stats", tc.from(), tc.to())
			if res.code != 0 {
				t.Fatalf("update: %v", res)
			}
			requireSameTree(t, "after the update", takeSnapshot(t, local), takeSnapshot(t, remote), compareOpts{})
			if n := statInt(t, res, "Number of regular files transferred"); n != 1 {
				t.Errorf("files transferred %d, want 1", n)
			}
			lit, moved := statInt(t, res, "Literal data"), statInt(t, res, tc.moved)
			t.Logf("%d-byte file, ~1 KiB edited: literal data %d bytes, %s %d", size, lit, tc.moved, moved)
			if lit >= size/16 {
				t.Errorf("literal data %d bytes for a ~1 KiB edit of a %d-byte file", lit, size)
			}
			if moved >= size/8 {
				t.Errorf("%s: %d bytes for a ~1 KiB edit of a %d-byte file", tc.moved, moved, size)
			}
			if t.Failed() {
				t.Logf("stats: %s", strings.TrimSpace(res.stdout))
			}
		})
	}
}
