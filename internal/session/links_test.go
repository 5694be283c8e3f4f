package session

import (
	"os"
	"path/filepath"
	"testing"
)

// readLink returns the target of the symlink p, or "" with a test error.
func readLink(t *testing.T, p string) string {
	t.Helper()
	target, err := os.Readlink(p)
	if err != nil {
		t.Errorf("%v", err)
	}
	return target
}

// TestSafeLinks: the receiver ignores symlinks pointing outside the tree,
// and --delete leaves what the destination has under their names.
func TestSafeLinks(t *testing.T) {
	for _, role := range []string{"pull", "push"} {
		t.Run(role, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			writeTree(t, src, map[string]string{"f": "file", "d/g": "in d"})
			for name, target := range map[string]string{"in": "f", "d/up": "../f", "out": "../x", "d/out": "../../f", "abs": "/etc"} {
				must(t, os.Symlink(target, filepath.Join(src, name)))
			}
			writeTree(t, dst, map[string]string{"out": "kept", "junk": "deleted"})
			cfg := archive()
			cfg.SafeLinks, cfg.Delete = true, true
			s := runner(role)(t, cfg, 64<<10, dst, src+"/")
			s.pass()
			s.close()
			if got := readLink(t, filepath.Join(dst, "in")); got != "f" {
				t.Errorf("in -> %q, want f", got)
			}
			if got := readLink(t, filepath.Join(dst, "d/up")); got != "../f" {
				t.Errorf("d/up -> %q, want ../f", got)
			}
			if b, err := os.ReadFile(filepath.Join(dst, "out")); err != nil || string(b) != "kept" {
				t.Errorf("out: %q %v, want the destination's file kept", b, err)
			}
			for _, gone := range []string{"d/out", "abs", "junk"} {
				if _, err := os.Lstat(filepath.Join(dst, gone)); !os.IsNotExist(err) {
					t.Errorf("%s exists (%v), want it absent", gone, err)
				}
			}
		})
	}
}
