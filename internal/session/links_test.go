package session

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/receiver"
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

// TestKeepDirLinks: with -K, a destination symlink to a directory inside
// the destination stays, and the source directory's contents go into the
// directory it points at (with --delete, what is extraneous there goes);
// one leading outside the destination is refused and nothing is written
// through it.
func TestKeepDirLinks(t *testing.T) {
	for _, role := range []string{"pull", "push"} {
		t.Run(role, func(t *testing.T) {
			top := t.TempDir()
			src, dst, outside := filepath.Join(top, "src"), filepath.Join(top, "dst"), filepath.Join(top, "outside")
			writeTree(t, src, map[string]string{"kd/a": "new", "kd/sub/b": "b", "out/x": "x", "z": "z"})
			writeTree(t, dst, map[string]string{"store/real/old": "old", "store/real/a": "old a"})
			writeTree(t, outside, map[string]string{"keep": "k"})
			must(t, os.Symlink("store/real", filepath.Join(dst, "kd")))
			must(t, os.Symlink("../outside", filepath.Join(dst, "out")))
			cfg := archive()
			cfg.KeepDirLinks, cfg.Delete = true, true
			cfg.Filters = []string{"- /store/"} // store is not in the source: keep it
			s := runner(role)(t, cfg, 64<<10, dst, src+"/")
			s.pass()
			s.close()
			if got := readLink(t, filepath.Join(dst, "kd")); got != "store/real" {
				t.Errorf("kd -> %q, want the symlink kept", got)
			}
			for name, want := range map[string]string{"store/real/a": "new", "store/real/sub/b": "b", "z": "z"} {
				if b, err := os.ReadFile(filepath.Join(dst, name)); err != nil || string(b) != want {
					t.Errorf("%s: %q %v, want %q", name, b, err, want)
				}
			}
			if _, err := os.Lstat(filepath.Join(dst, "store/real/old")); !os.IsNotExist(err) {
				t.Errorf("store/real/old: %v, want it deleted", err)
			}
			if got := readLink(t, filepath.Join(dst, "out")); got != "../outside" {
				t.Errorf("out -> %q, want the symlink left alone", got)
			}
			if _, err := os.Lstat(filepath.Join(outside, "x")); !os.IsNotExist(err) {
				t.Errorf("outside/x: %v: written through a symlink leading out of the destination", err)
			}
			var refused bool
			for _, ev := range s.events {
				if ev.Kind == EventError && ev.Path == "out" && (errors.Is(ev.Err, receiver.ErrDirLinkOutside) || // a remote one has the message only
					strings.Contains(ev.Err.Error(), receiver.ErrDirLinkOutside.Error())) {
					refused = true
				}
			}
			if !refused {
				t.Errorf("no ErrDirLinkOutside error for out in %v", s.events)
			}
		})
	}
}
