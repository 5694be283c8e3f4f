package session

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestRefineShrinksLiterals syncs files with scattered small edits, both
// directions and over a tiny pipe: with refine-v1 the literal bytes come
// close to the bytes changed instead of whole 4 KiB round-1 blocks, and
// the files arrive intact.
func TestRefineShrinksLiterals(t *testing.T) {
	size, edits := 16<<20, 40 // 4 KiB round-1 blocks
	if testing.Short() {
		size, edits = 4<<20, 10 // 2 KiB blocks: refinement needs 4 KiB regions
	}
	old := randomBytes(size)
	nw := bytes.Clone(old)
	for i := range edits {
		off := i*(size/edits) + 1000 + i*37
		copy(nw[off:], fmt.Sprintf("edit %03d!", i)) // 9 bytes straddling nothing in particular
		if i%2 == 0 {
			copy(nw[off+2040:], "x") // a second change 2 KiB on: one region spans both
		}
	}
	nw = append(nw[:size/2], append(randomBytes(10000), nw[size/2:]...)...)
	for _, c := range []struct {
		name string
		pipe int
		run  func(*testing.T, Config, int, string, ...string) *syncer
	}{
		{"pull", 1 << 16, pull},
		{"push", 1 << 16, push},
		{"push-tiny-pipe", 16, push},
	} {
		t.Run(c.name, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			must(t, os.WriteFile(filepath.Join(src, "f"), nw, 0o644))
			must(t, os.WriteFile(filepath.Join(dst, "f"), old, 0o644))
			cfg := archive()
			cfg.Window = 3
			s := c.run(t, cfg, c.pipe, dst, src+"/")
			st := s.pass()
			s.close()
			got, err := os.ReadFile(filepath.Join(dst, "f"))
			must(t, err)
			if !bytes.Equal(got, nw) {
				t.Fatal("destination differs from the source")
			}
			// Round 1 alone sends at least one whole block per edit.
			limit := uint64(10000 + edits*1600)
			if st.LiteralBytes > limit || st.MatchedBytes == 0 {
				t.Errorf("literal %d bytes (want at most %d), matched %d", st.LiteralBytes, limit, st.MatchedBytes)
			}
		})
	}
}
