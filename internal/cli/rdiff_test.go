package cli

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/peertest"
)

// rdiffBin returns the real rdiff, skipping when it is missing (failing
// under CI=true).
func rdiffBin(t *testing.T) string {
	t.Helper()
	return peertest.Need(t, "rdiff", "rdiff")
}

// ferryRdiff runs "ferry rdiff args..." in-process.
func ferryRdiff(t *testing.T, stdin []byte, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = runRdiff(t.Context(), args, bytes.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func mustFerryRdiff(t *testing.T, args ...string) {
	t.Helper()
	if code, _, stderr := ferryRdiff(t, nil, args...); code != ExitOK {
		t.Fatalf("ferry rdiff %v: exit %d: %s", args, code, stderr)
	}
}

func mustRdiff(t *testing.T, bin string, args ...string) {
	t.Helper()
	if out, err := exec.CommandContext(t.Context(), bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("rdiff %v: %v\n%s", args, err, out)
	}
}

func rdiffFiles(t *testing.T, old, newer []byte) (dir, oldPath, newPath string) {
	dir = t.TempDir()
	oldPath, newPath = filepath.Join(dir, "old"), filepath.Join(dir, "new")
	if err := os.WriteFile(oldPath, old, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(newPath, newer, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, oldPath, newPath
}

func mustEqualFile(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: %d bytes differ from the %d wanted", path, len(got), len(want))
	}
}

func TestRdiffCLIInterop(t *testing.T) {
	bin := rdiffBin(t)
	rng := rand.New(rand.NewPCG(1, 2))
	old := make([]byte, 200_000)
	for i := range old {
		old[i] = byte(rng.Uint32())
	}
	newer := append(append(append([]byte{}, old[:70_000]...), "an insertion"...), old[90_000:]...)
	for _, flags := range [][]string{nil, {"-H", "md4"}, {"-R", "rollsum"}, {"-b", "1024", "-S", "-1"}} {
		t.Run(strings.Join(append([]string{"default"}, flags...), ""), func(t *testing.T) {
			dir, oldPath, newPath := rdiffFiles(t, old, newer)
			p := func(name string) string { return filepath.Join(dir, name) }

			// The signatures are byte-identical.
			mustFerryRdiff(t, append(append([]string{}, flags...), "signature", oldPath, p("f.sig"))...)
			mustRdiff(t, bin, append(append([]string{}, flags...), "signature", oldPath, p("r.sig"))...)
			want, _ := os.ReadFile(p("r.sig"))
			mustEqualFile(t, p("f.sig"), want)

			// rdiff signature -> ferry delta -> rdiff patch.
			mustFerryRdiff(t, "delta", p("r.sig"), newPath, p("f.delta"))
			mustRdiff(t, bin, "patch", oldPath, p("f.delta"), p("out1"))
			mustEqualFile(t, p("out1"), newer)

			// ferry signature -> rdiff delta -> ferry patch.
			mustRdiff(t, bin, "delta", p("f.sig"), newPath, p("r.delta"))
			mustFerryRdiff(t, "patch", oldPath, p("r.delta"), p("out2"))
			mustEqualFile(t, p("out2"), newer)
		})
	}
}

func TestRdiffCLIStdio(t *testing.T) {
	old := bytes.Repeat([]byte("stdin and stdout "), 1000)
	newer := append([]byte("prefix "), old...)
	dir, oldPath, _ := rdiffFiles(t, old, newer)
	code, sig, stderr := ferryRdiff(t, old, "signature", "-", "-")
	if code != ExitOK {
		t.Fatalf("signature: exit %d: %s", code, stderr)
	}
	sigPath := filepath.Join(dir, "sig")
	os.WriteFile(sigPath, []byte(sig), 0o644)
	code, d, stderr := ferryRdiff(t, newer, "delta", sigPath)
	if code != ExitOK {
		t.Fatalf("delta: exit %d: %s", code, stderr)
	}
	code, out, stderr := ferryRdiff(t, []byte(d), "patch", oldPath)
	if code != ExitOK || out != string(newer) {
		t.Fatalf("patch: exit %d, %d bytes: %s", code, len(out), stderr)
	}
}

func TestRdiffCLIErrors(t *testing.T) {
	dir, oldPath, newPath := rdiffFiles(t, []byte("old"), []byte("new"))
	p := func(name string) string { return filepath.Join(dir, name) }
	os.WriteFile(p("bad.sig"), []byte("rs\x01\x47\x00\x00"), 0o644)
	os.WriteFile(p("bad.delta"), []byte("rs\x026\x49\x03\xe8\x00\x10\x00"), 0o644)
	os.WriteFile(p("exists"), nil, 0o644)
	cases := []struct {
		name string
		args []string
		code int
		want []string // substrings of stderr
	}{
		{"no-action", nil, ExitUsage, []string{"action"}},
		{"bad-action", []string{"frobnicate"}, ExitUsage, []string{"frobnicate"}},
		{"bad-flag", []string{"--nope", "signature"}, ExitUsage, []string{"nope"}},
		{"bad-hash", []string{"-H", "sha1", "signature", oldPath, p("s1")}, ExitUsage, []string{"sha1"}},
		{"bad-sumsize", []string{"-S", "40", "signature", oldPath, p("s2")}, ExitUsage, []string{"strong length"}},
		{"too-many", []string{"patch", "a", "b", "c", "d"}, ExitUsage, []string{"too many"}},
		{"missing-basis", []string{"signature", p("nothere"), p("s3")}, ExitIO, []string{"nothere"}},
		{"truncated-sig", []string{"delta", p("bad.sig"), newPath, p("d1")}, ExitProtocol, []string{"bad.sig", "offset 6", "truncated"}},
		{"copy-beyond-basis", []string{"patch", oldPath, p("bad.delta"), p("o1")}, ExitProtocol, []string{"bad.delta", "offset 4", "beyond the end"}},
		{"exists", []string{"signature", oldPath, p("exists")}, ExitIO, []string{"exists", "-f"}},
		{"basis-stdin", []string{"patch", "-", p("bad.delta"), p("o2")}, ExitUsage, []string{"basis"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := ferryRdiff(t, nil, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, c.code, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
		})
	}
	if _, err := os.Stat(p("o1")); !os.IsNotExist(err) {
		t.Errorf("failed patch left its output behind: %v", err)
	}
	mustFerryRdiff(t, "-f", "signature", oldPath, p("exists"))
}
