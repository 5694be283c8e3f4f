package session

import (
	"os"
	"path/filepath"
	"testing"
)

// TestHandoff syncs with a Handoff shared by both roles, as a local sync
// does: the files arrive whole (new, replaced, in place, hard-linked), and
// their data never crosses the connection.
func TestHandoff(t *testing.T) {
	big := string(randomBytes(3 << 20))
	for _, tc := range []struct {
		name string
		cfg  func(*Config)
		old  map[string]string // destination before the run
	}{
		{name: "new"},
		{name: "replace", old: map[string]string{"a.txt": "old and longer than the new one", "d/big": "x"}},
		{name: "inplace", cfg: func(c *Config) { c.Inplace = true }, old: map[string]string{"a.txt": "old and longer than the new one"}},
		{name: "hardlinks", cfg: func(c *Config) { c.HardLinks = true }},
	} {
		for _, role := range []string{"pull", "push"} {
			t.Run(tc.name+"/"+role, func(t *testing.T) {
				src, dst := t.TempDir(), t.TempDir()
				writeTree(t, src, map[string]string{"a.txt": "hello", "empty": "", "d/big": big, "d/e/f": "deep"})
				must(t, os.Link(filepath.Join(src, "d/e/f"), filepath.Join(src, "g")))
				setTimes(t, src)
				writeTree(t, dst, tc.old)
				cfg := archive()
				cfg.WholeFile = true
				if tc.cfg != nil {
					tc.cfg(&cfg)
				}
				cfg.Handoff = NewHandoff()
				defer cfg.Handoff.Close()
				run := runner(role)
				s := run(t, cfg, 64<<10, dst, src+"/")
				st := s.pass()
				s.close()
				sameTree(t, src, dst, true)
				if want := uint64(len(big) + 5 + 4 + 4); st.LiteralBytes != want && !(cfg.HardLinks && st.LiteralBytes == want-4) {
					t.Errorf("literal bytes %d, want %d", st.LiteralBytes, want)
				}
				if wire := st.BytesSent + st.BytesReceived; wire > 64<<10 {
					t.Errorf("%d bytes crossed the connection: the data did not go by handoff", wire)
				}
				if n := len(cfg.Handoff.Fds); n != 0 {
					t.Errorf("%d descriptors left in the handoff", n)
				}
				if leftovers, _ := filepath.Glob(filepath.Join(dst, "*.ferry*")); len(leftovers) > 0 {
					t.Errorf("temp files left: %q", leftovers)
				}
			})
		}
	}
}
