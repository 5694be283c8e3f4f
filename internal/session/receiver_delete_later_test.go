package session

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestDeleteTimings deletes the same extraneous entries with each timing
// and limit, pushing and pulling: the options travel in Run to a server
// receiver.
func TestDeleteTimings(t *testing.T) {
	tests := []struct {
		name    string
		cfg     func(c *Config)
		deleted uint64
		skipped uint64
		kept    []string // extraneous entries left
	}{
		{"during", func(c *Config) {}, 6, 0, nil},
		{"before", func(c *Config) { c.DeleteBefore = true }, 6, 0, nil},
		{"after", func(c *Config) { c.DeleteAfter = true }, 6, 0, nil},
		{"delay", func(c *Config) { c.DeleteDelay = true }, 6, 0, nil},
		// rsync's order: files before directories, each in reverse, a
		// directory's contents before it.
		{"max 2", func(c *Config) { c.MaxDelete = 2 }, 2, 3, []string{"e1", "e2", "x", "x/w"}},
		{"max 2 before", func(c *Config) { c.MaxDelete = 2; c.DeleteBefore = true }, 2, 3, []string{"e1", "e2", "x", "x/w"}},
		{"max none", func(c *Config) { c.MaxDelete = -1 }, 0, 5, []string{"e1", "e2", "x", "x/w", "x/y", "x/y/z"}},
	}
	for _, role := range []string{"push", "pull"} {
		for _, tc := range tests {
			t.Run(role+"/"+tc.name, func(t *testing.T) {
				src, dst := t.TempDir(), t.TempDir()
				writeTree(t, src, map[string]string{"a": "a", "d/b": "b"})
				writeTree(t, dst, map[string]string{"e1": "x", "e2": "x", "x/w": "x", "x/y/z": "x"})
				cfg := Config{Recursive: true, Times: true, Perms: true, Delete: true}
				tc.cfg(&cfg)
				s := runner(role)(t, cfg, 0, dst, src+"/")
				st := s.pass()
				s.close()
				if st.Deleted != tc.deleted || st.DeletesSkipped != tc.skipped {
					t.Errorf("deleted %d, skipped %d; want %d, %d", st.Deleted, st.DeletesSkipped, tc.deleted, tc.skipped)
				}
				for _, p := range []string{"e1", "e2", "x/w", "x/y/z", "x/y", "x"} {
					_, err := os.Lstat(filepath.Join(dst, p))
					if want := slices.Contains(tc.kept, p); (err == nil) != want {
						t.Errorf("%s: exists %v, want %v", p, err == nil, want)
					}
				}
			})
		}
	}
}
