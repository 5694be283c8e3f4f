package fsys

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSetModeFollow chmods a directory reached through a symlink inside
// the root, and refuses one whose symlink leads outside it.
func TestSetModeFollow(t *testing.T) {
	dir, r := newRoot(t)
	outside := t.TempDir()
	if err := os.Chmod(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "store/real"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"in": "store/real", "out": outside, "up": "../" + filepath.Base(outside)} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.SetModeFollow("in", 0o700); err != nil {
		t.Fatalf("SetModeFollow(in): %v", err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "store/real")); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("store/real: %v %v, want mode 0700", fi.Mode(), err)
	}
	for _, name := range []string{"out", "up"} {
		if err := r.SetModeFollow(name, 0o700); err == nil {
			t.Errorf("SetModeFollow(%s) followed a symlink out of the root", name)
		}
	}
	if fi, err := os.Stat(outside); err != nil || fi.Mode().Perm() == 0o700 {
		t.Errorf("outside: %v %v, want its mode unchanged", fi.Mode(), err)
	}
}
