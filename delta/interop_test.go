package delta

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ferrysync/ferry/internal/peertest"
)

// needRdiff returns the path of rdiff, skipping the test when it is missing
// (failing under CI=true).
func needRdiff(t *testing.T) string {
	t.Helper()
	return peertest.Need(t, "rdiff", "rdiff")
}

func rdiff(t *testing.T, bin string, args ...string) {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("rdiff %v: %v\n%s", args, err, out)
	}
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var variants = []struct {
	name  string
	flags []string
	magic Magic
}{
	{"rabinkarp-blake2", nil, MagicRabinKarpBLAKE2},
	{"rabinkarp-md4", []string{"-H", "md4"}, MagicRabinKarpMD4},
	{"rollsum-blake2", []string{"-R", "rollsum"}, MagicRollsumBLAKE2},
	{"rollsum-md4", []string{"-H", "md4", "-R", "rollsum"}, MagicRollsumMD4},
}

// TestRdiffInterop runs every corpus pair both ways between ferry and rdiff,
// for every signature format.
func TestRdiffInterop(t *testing.T) {
	bin := needRdiff(t)
	for _, v := range variants {
		for _, c := range corpus(t) {
			if testing.Short() && len(c.old) > 1<<20 {
				continue
			}
			t.Run(v.name+"/"+c.name, func(t *testing.T) {
				dir := t.TempDir()
				oldPath := writeFile(t, dir, "old", c.old)
				newPath := writeFile(t, dir, "new", c.new)

				// rdiff signature -> ferry delta -> rdiff patch.
				sigPath := filepath.Join(dir, "rdiff.sig")
				rdiff(t, bin, append(append([]string{}, v.flags...), "signature", oldPath, sigPath)...)
				sig, err := ReadRdiffSignature(bytes.NewReader(readFile(t, sigPath)))
				if err != nil {
					t.Fatalf("read rdiff signature: %v", err)
				}
				var dbuf bytes.Buffer
				if err := RdiffDelta(sig, bytes.NewReader(c.new), &dbuf); err != nil {
					t.Fatalf("ferry delta: %v", err)
				}
				deltaPath := writeFile(t, dir, "ferry.delta", dbuf.Bytes())
				outPath := filepath.Join(dir, "out1")
				rdiff(t, bin, "patch", oldPath, deltaPath, outPath)
				if got := readFile(t, outPath); !bytes.Equal(got, c.new) {
					t.Fatalf("rdiff patch of ferry delta: got %d bytes, want %d", len(got), len(c.new))
				}

				// ferry signature -> rdiff delta -> ferry patch.
				p, err := RdiffParams(int64(len(c.old)), v.magic, 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				fsig, err := Sign(bytes.NewReader(c.old), p)
				if err != nil {
					t.Fatal(err)
				}
				var sbuf bytes.Buffer
				if err := WriteRdiffSignature(&sbuf, fsig); err != nil {
					t.Fatal(err)
				}
				if want := readFile(t, sigPath); !bytes.Equal(sbuf.Bytes(), want) {
					t.Fatalf("ferry signature differs from rdiff's (%d vs %d bytes)", sbuf.Len(), len(want))
				}
				fsigPath := writeFile(t, dir, "ferry.sig", sbuf.Bytes())
				rdeltaPath := filepath.Join(dir, "rdiff.delta")
				rdiff(t, bin, "delta", fsigPath, newPath, rdeltaPath)
				var out bytes.Buffer
				if err := Patch(bytes.NewReader(c.old), bytes.NewReader(readFile(t, rdeltaPath)), &out); err != nil {
					t.Fatalf("ferry patch of rdiff delta: %v", err)
				}
				if !bytes.Equal(out.Bytes(), c.new) {
					t.Fatalf("ferry patch of rdiff delta: got %d bytes, want %d", out.Len(), len(c.new))
				}
				if rd := readFile(t, rdeltaPath); dbuf.Len() > len(rd) {
					t.Errorf("ferry delta %d bytes, larger than rdiff's %d", dbuf.Len(), len(rd))
				}

				// ferry alone.
				out.Reset()
				if err := Patch(bytes.NewReader(c.old), bytes.NewReader(dbuf.Bytes()), &out); err != nil {
					t.Fatalf("ferry patch of ferry delta: %v", err)
				}
				if !bytes.Equal(out.Bytes(), c.new) {
					t.Fatalf("ferry patch of ferry delta: got %d bytes, want %d", out.Len(), len(c.new))
				}
			})
		}
	}
}
