package session

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestPartialResume cuts the connection while a big file is half
// received: the receiver keeps what it wrote in the partial directory, and
// the next run uses it as the basis, sending only the missing part, then
// removes it.
func TestPartialResume(t *testing.T) {
	for _, role := range []string{"pull", "push"} {
		t.Run(role, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			content := randomBytes(2 << 20)
			must(t, os.WriteFile(filepath.Join(src, "big"), content, 0o644))
			setTimes(t, src)
			cfg := archive()
			cfg.PartialDir = ".ferry-partial"
			run := runner(role)

			var kept int64
			testHooks.wrote = func(c *conn, p string, n int64) {
				if p == "big" && n >= 1<<20 && kept == 0 {
					kept = n
					c.fail(errors.New("cut by the test"))
				}
			}
			t.Cleanup(func() { testHooks.wrote = nil })
			s := run(t, cfg, 64<<10, dst, src+"/")
			if _, err := s.cl.Pass(t.Context(), nil); err == nil {
				t.Fatal("first pass survived the cut connection")
			}
			s.cl.Close(t.Context())
			<-s.serr
			testHooks.wrote = nil
			partial := filepath.Join(dst, ".ferry-partial", "big")
			fi, err := os.Stat(partial)
			if err != nil {
				t.Fatalf("no partial data kept: %v", err)
			}
			if fi.Size() < kept || fi.Size() == 0 || !bytes.Equal(mustRead(t, partial), content[:fi.Size()]) {
				t.Fatalf("partial holds %d bytes, want the first %d of the file", fi.Size(), kept)
			}

			s = run(t, cfg, 64<<10, dst, src+"/")
			st := s.pass()
			s.close()
			sameTree(t, src, dst, false)
			missing := uint64(len(content)) - uint64(fi.Size())
			if st.LiteralBytes > missing+64<<10 || st.MatchedBytes+64<<10 < uint64(fi.Size()) {
				t.Errorf("resumed with %d literal and %d matched bytes; %d were missing", st.LiteralBytes, st.MatchedBytes, missing)
			}
			if _, err := os.Stat(filepath.Join(dst, ".ferry-partial")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("partial directory left behind: %v", err)
			}
		})
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	must(t, err)
	return b
}
