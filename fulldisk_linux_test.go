package ferry

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// TestFullDisk syncs into a 1 MiB tmpfs a tree whose big file cannot fit:
// that file fails with an error naming it and the cause, the small files
// are transferred, nothing half-written is left under a real name, and the
// run reports a partial transfer.
func TestFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	src, dst := t.TempDir(), t.TempDir()
	if err := syscall.Mount("tmpfs", dst, "tmpfs", 0, "size=1m"); err != nil {
		t.Skipf("cannot mount a tmpfs: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dst, syscall.MNT_DETACH) })

	small := map[string][]byte{}
	for _, name := range []string{"a.txt", "m.txt", "z.txt"} {
		small[name] = bytes.Repeat([]byte(name), 1000)
		if err := os.WriteFile(filepath.Join(src, name), small[name], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(src, "big.bin"), bytes.Repeat([]byte{7}, 3<<20), 0o644); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var failed []Event
	opts := DefaultOptions()
	opts.OnEvent = func(ev Event) {
		if ev.Kind == EventFileError {
			mu.Lock()
			failed = append(failed, ev)
			mu.Unlock()
		}
	}
	_, err := Sync(t.Context(), src+"/", dst, opts)
	if !errors.Is(err, ErrPartial) {
		t.Fatalf("Sync onto a full disk = %v, want ErrPartial", err)
	}
	if len(failed) != 1 || failed[0].Path != "big.bin" || !errors.Is(failed[0].Err, syscall.ENOSPC) ||
		!strings.Contains(failed[0].Err.Error(), "big.bin") {
		t.Fatalf("error events %+v: want one for big.bin, naming it, with ENOSPC", failed)
	}
	for name, want := range small {
		got, err := os.ReadFile(filepath.Join(dst, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s after the full-disk run: %v (%d bytes, want %d)", name, err, len(got), len(want))
		}
	}
	entries, err := os.ReadDir(dst)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == "big.bin" || strings.HasSuffix(e.Name(), ".ferry-tmp") {
			t.Errorf("left behind in the destination: %s", e.Name())
		}
	}
}
