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
	// Files in flight beside big.bin may fail too while it fills the disk;
	// each failure must name its own file and the cause.
	failedNames := map[string]bool{}
	for _, ev := range failed {
		if !errors.Is(ev.Err, syscall.ENOSPC) || !strings.Contains(ev.Err.Error(), ev.Path) {
			t.Errorf("error for %s: %v: want ENOSPC naming the file", ev.Path, ev.Err)
		}
		failedNames[ev.Path] = true
	}
	if !failedNames["big.bin"] {
		t.Errorf("no error for big.bin: %+v", failed)
	}
	checkDest := func(run string) {
		t.Helper()
		for name, want := range small {
			if failedNames[name] {
				continue
			}
			got, err := os.ReadFile(filepath.Join(dst, name))
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s: %s: %v (%d bytes, want %d)", run, name, err, len(got), len(want))
			}
		}
		entries, err := os.ReadDir(dst)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Name() == "big.bin" || strings.HasSuffix(e.Name(), ".ferry-tmp") {
				t.Errorf("%s: left behind in the destination: %s", run, e.Name())
			}
		}
	}
	checkDest("full-disk run")

	// Without the file that cannot fit, a re-run finishes the job: no
	// partial data of the failed file was kept to fill the disk.
	if err := os.Remove(filepath.Join(src, "big.bin")); err != nil {
		t.Fatal(err)
	}
	failed, failedNames = nil, map[string]bool{}
	if _, err := Sync(t.Context(), src+"/", dst, opts); err != nil {
		t.Fatalf("re-run without big.bin: %v (errors %+v)", err, failed)
	}
	checkDest("re-run")
}
