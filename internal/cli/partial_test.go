package cli

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestPartialTakenUp runs ferry where an interrupted earlier run left
// partial data, locally (whole files handed off, then with the delta
// algorithm), pushing over a remote shell and pushing to a daemon: -n
// touches nothing; a real run resumes from the partial data of the big
// file (fewer literal bytes than the file), removes the stale partial
// data of a file no longer in the source, leaves no partial directory and
// restores the directory's times.
func TestPartialTakenUp(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(reexecEnv, "1")
	rsh := fakeRemoteShell(t)
	addr, _, drop := startDaemon(t)
	big := make([]byte, 3<<20)
	rand.Read(big)
	const kept = 2 << 20
	for _, tc := range []struct {
		name string
		args []string
		dst  func(t *testing.T) (path, operand string)
	}{
		{name: "local", dst: localDst},
		{name: "local delta", args: []string{"--no-whole-file"}, dst: localDst},
		{name: "remote shell", args: []string{"-e", rsh, "--ferry-path", self}, dst: func(t *testing.T) (string, string) {
			p := t.TempDir()
			return p, "remotehost:" + p + "/"
		}},
		{name: "daemon", dst: func(t *testing.T) (string, string) {
			return drop, "ferry://" + addr + "/drop/"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := t.TempDir()
			writeTree(t, src, map[string]string{"d/big": string(big), "d/small": "small"})
			dst, operand := tc.dst(t)
			writeTree(t, dst, map[string]string{"d/.ferry-partial/big": string(big[:kept]), "d/.ferry-partial/gone": "stale"})
			dirTime := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
			for _, d := range []string{src, filepath.Join(src, "d"), filepath.Join(dst, "d")} {
				if err := os.Chtimes(d, dirTime, dirTime); err != nil {
					t.Fatal(err)
				}
			}
			before := shortSnapshot(t, dst)
			args := append(append([]string{}, tc.args...), "-n", "--delete", src+"/", operand)
			if code, out, errs := runMain(t, args...); code != ExitOK {
				t.Fatalf("dry run: exit %d\n%s%s", code, out, errs)
			}
			diffSnapshots(t, shortSnapshot(t, dst), before)

			args = append(append([]string{}, tc.args...), "--stats", "--delete", src+"/", operand)
			code, out, errs := runMain(t, args...)
			if code != ExitOK {
				t.Fatalf("exit %d\n%s%s", code, out, errs)
			}
			if strings.Contains(out, "ferry-partial") {
				t.Errorf("the partial directory shows in the output:\n%s", out)
			}
			diffSnapshots(t, shortSnapshot(t, dst), shortSnapshot(t, src))
			if lit := statLine(t, out, "Literal data"); lit > len(big)-kept+64<<10 {
				t.Errorf("literal data %d bytes: the %d bytes of partial data were not used", lit, kept)
			}
			if fi, err := os.Stat(filepath.Join(dst, "d")); err != nil || !fi.ModTime().Equal(dirTime) {
				t.Errorf("d: %v, mtime %v, want %v", err, fi.ModTime(), dirTime)
			}
		})
	}
}

// shortSnapshot is snapshot with long descriptions (a big file's
// contents) replaced by their hash, to keep failures readable.
func shortSnapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	snap := snapshot(t, root)
	for k, v := range snap {
		if len(v) > 200 {
			snap[k] = fmt.Sprintf("%s... sha256 %x", v[:60], sha256.Sum256([]byte(v)))
		}
	}
	return snap
}

func localDst(t *testing.T) (string, string) {
	p := filepath.Join(t.TempDir(), "dst")
	if err := os.Mkdir(p, 0o755); err != nil {
		t.Fatal(err)
	}
	return p, p + "/"
}

// statLine returns the number of the --stats line that starts with name.
func statLine(t *testing.T, out, name string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + name + `: ([0-9,]+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %q in the output:\n%s", name, out)
	}
	n, err := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	if err != nil {
		t.Fatal(err)
	}
	return n
}
