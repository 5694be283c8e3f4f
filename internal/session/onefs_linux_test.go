package session

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// TestOneFileSystemDestination mounts a filesystem inside the
// destination: with OneFileSystem, --delete leaves what is inside it
// alone; without, it deletes there as anywhere else.
func TestOneFileSystemDestination(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	for _, onefs := range []bool{true, false} {
		t.Run(map[bool]string{true: "one-file-system", false: "cross"}[onefs], func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			writeTree(t, src, map[string]string{"m/new": "new", "top": "top"})
			mnt := filepath.Join(dst, "m")
			must(t, os.Mkdir(mnt, 0o755))
			if err := unix.Mount("ferry-test", mnt, "tmpfs", 0, ""); err != nil {
				t.Skipf("cannot mount a tmpfs: %v", err)
			}
			t.Cleanup(func() { unix.Unmount(mnt, unix.MNT_DETACH) })
			must(t, os.WriteFile(filepath.Join(mnt, "old"), []byte("old"), 0o644))
			must(t, os.WriteFile(filepath.Join(dst, "stale"), []byte("stale"), 0o644))
			cfg := archive()
			cfg.Delete, cfg.OneFileSystem = true, onefs
			s := pull(t, cfg, 64<<10, dst, src+"/")
			s.pass()
			s.close()
			_, err := os.Stat(filepath.Join(mnt, "old"))
			if kept := err == nil; kept != onefs {
				t.Errorf("m/old kept = %v, want %v", kept, onefs)
			}
			if _, err := os.Stat(filepath.Join(dst, "stale")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("stale on the destination's own filesystem not deleted: %v", err)
			}
			if b, err := os.ReadFile(filepath.Join(mnt, "new")); err != nil || string(b) != "new" {
				t.Errorf("m/new = %q, %v", b, err)
			}
		})
	}
}
