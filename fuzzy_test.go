package ferry

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestSyncFuzzy checks that a file new to the destination takes a similar
// file of its directory as its basis with Fuzzy: a renamed-and-edited
// file then costs its changes, not its size; without Fuzzy it is sent
// whole. An unrelated name is not taken.
func TestSyncFuzzy(t *testing.T) {
	data := make([]byte, 2<<20)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	edited := bytes.Clone(data)
	copy(edited[1<<20:], "an edit in the middle")
	cases := []struct {
		name       string
		fuzzy      bool
		old, new   string
		maxLiteral int64
		minLiteral int64
	}{
		{"similar name", true, "backup-2026-12-01.tar", "backup-2026-12-02.tar", 256 << 10, 0},
		{"no fuzzy", false, "backup-2026-12-01.tar", "backup-2026-12-02.tar", 4 << 20, 2 << 20},
		{"unrelated name", true, "zzzzzz.iso", "backup-2026-12-02.tar", 4 << 20, 2 << 20},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			check(t, os.WriteFile(filepath.Join(src, c.new), edited, 0o644))
			check(t, os.WriteFile(filepath.Join(dst, c.old), data, 0o644))
			// Not the same time as the new file: only the name may match.
			old := time.Now().Add(-time.Hour)
			check(t, os.Chtimes(filepath.Join(dst, c.old), old, old))
			o := DefaultOptions()
			o.Fuzzy, o.DeltaLocal = c.fuzzy, true
			st, err := Sync(t.Context(), src+"/", dst, o)
			check(t, err)
			if got := read(t, filepath.Join(dst, c.new)); got != string(edited) {
				t.Fatal("content differs")
			}
			if st.LiteralBytes > c.maxLiteral || st.LiteralBytes < c.minLiteral {
				t.Errorf("literal bytes %d, want between %d and %d", st.LiteralBytes, c.minLiteral, c.maxLiteral)
			}
			if read(t, filepath.Join(dst, c.old)) != string(data) {
				t.Error("the basis file changed")
			}
		})
	}
}
