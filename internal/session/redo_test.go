package session

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestRedoAfterChecksumMismatch corrupts the basis after its signature
// went out, so the patched file cannot verify: the receiver must ask again
// for the whole file and end with the right content, both directions.
func TestRedoAfterChecksumMismatch(t *testing.T) {
	for _, role := range []string{"pull", "push"} {
		t.Run(role, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			content := randomBytes(600 << 10)
			must(t, os.WriteFile(filepath.Join(src, "f"), content, 0o644))
			old := bytes.Clone(content)
			copy(old[1000:], "a small edit")
			must(t, os.WriteFile(filepath.Join(dst, "f"), old, 0o644))
			setTimes(t, src)

			corrupted := 0
			testHooks.prepared = func(p string) {
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
			t.Cleanup(func() { testHooks.prepared = nil })

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
		})
	}
}
