package session

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestTinyPipesNoDeadlock runs whole syncs, both directions, over pipes
// that hold 1 or 16 bytes, with a small credit and window, on a tree of
// many small files and several big ones (some with a basis, so signatures
// flow one way while data flows the other). Any reader that waits on its
// own connection's writer hangs here; run it with -race.
func TestTinyPipesNoDeadlock(t *testing.T) {
	src := t.TempDir()
	files := map[string]string{}
	nsmall, nbig := 300, 4
	if testing.Short() {
		nsmall, nbig = 60, 2
	}
	for i := range nsmall {
		files[fmt.Sprintf("d%02d/f%03d", i%17, i)] = fmt.Sprint("small file ", i)
	}
	for i := range nbig {
		files[fmt.Sprintf("big%d", i)] = string(randomBytes(700<<10 + i))
	}
	writeTree(t, src, files)
	setTimes(t, src)
	for _, size := range []int{1, 16} {
		for _, dir := range []string{"pull", "push"} {
			t.Run(fmt.Sprintf("%s-%d", dir, size), func(t *testing.T) {
				dst := t.TempDir()
				// A stale basis for the big files: the delta path runs too.
				for i := range nbig {
					b := []byte(files[fmt.Sprintf("big%d", i)])
					copy(b[1000:], "different")
					must(t, os.WriteFile(filepath.Join(dst, fmt.Sprintf("big%d", i)), b[:len(b)-5000], 0o644))
				}
				cfg := archive()
				cfg.Credit, cfg.Window, cfg.Delete = 7, 3, true
				run := runner(dir)
				s := run(t, cfg, size, dst, src+"/")
				st := s.pass()
				s.pass() // a second pass on the same session: nothing to do
				s.close()
				sameTree(t, src, dst, true)
				if st.MatchedBytes == 0 {
					t.Errorf("no bytes matched from the basis: %+v", st)
				}
			})
		}
	}
}
