package session

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestRedoAfterChecksumMismatch corrupts the basis after its signature
// went out, so the patched file cannot verify: the receiver must ask again
// for the whole file and end with the right content, both directions, with
// XXH3 file sums (sum-xxh3 negotiated) and with BLAKE3 ones (a peer
// without it).
func TestRedoAfterChecksumMismatch(t *testing.T) {
	for _, c := range []struct {
		role, sums string
	}{{"pull", "xxh3"}, {"push", "xxh3"}, {"pull", "blake3"}, {"push", "blake3"}} {
		role := c.role
		t.Run(c.role+"/"+c.sums, func(t *testing.T) {
			testHooks.NoSumXXH3 = c.sums == "blake3"
			var usedXXH3 []bool
			testHooks.Wrote = func(c roleConn, _ string, _ int64) { usedXXH3 = append(usedXXH3, c.Negotiated().SumXXH3) }
			t.Cleanup(func() { testHooks.NoSumXXH3, testHooks.Wrote = false, nil })
			src, dst := t.TempDir(), t.TempDir()
			content := randomBytes(600 << 10)
			must(t, os.WriteFile(filepath.Join(src, "f"), content, 0o644))
			old := bytes.Clone(content)
			copy(old[1000:], "a small edit")
			must(t, os.WriteFile(filepath.Join(dst, "f"), old, 0o644))
			setTimes(t, src)

			corrupted := 0
			testHooks.Signed = func(p string) {
				if p != "f" {
					return
				}
				corrupted++
				// Same inode, other bytes: the basis the patch reads from.
				f, err := os.OpenFile(filepath.Join(dst, "f"), os.O_WRONLY, 0)
				must(t, err)
				f.WriteAt(bytes.Repeat([]byte{0xee}, 64<<10), 200<<10)
				f.Close()
			}
			t.Cleanup(func() { testHooks.Signed = nil })

			run := runner(role)
			s := run(t, archive(), 64<<10, dst, src+"/")
			st := s.pass()
			s.close()
			got, err := os.ReadFile(filepath.Join(dst, "f"))
			must(t, err)
			if !bytes.Equal(got, content) {
				t.Fatalf("content differs after the redo")
			}
			if corrupted != 1 {
				t.Errorf("hook ran %d times, want 1 (the redo asks without a basis)", corrupted)
			}
			if st.Errors != 0 || st.FilesTransferred != 1 {
				t.Errorf("stats %+v: want 1 file transferred, no error", st)
			}
			if st.LiteralBytes < uint64(len(content)) {
				t.Errorf("literal bytes %d: the redo should send the whole %d-byte file", st.LiteralBytes, len(content))
			}
			if len(usedXXH3) == 0 {
				t.Fatal("no data written")
			}
			for _, x := range usedXXH3 {
				if x != (c.sums == "xxh3") {
					t.Fatalf("receiver's connection has sumXXH3 %v, want sums %s", x, c.sums)
				}
			}
		})
	}
}
