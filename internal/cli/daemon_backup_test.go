package cli

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestDaemonSnapshotsAndBackups pushes snapshots to a daemon module with
// --link-dest and backs up what a push replaces with --backup-dir: the
// options travel in the Run message and the daemon applies them inside
// its module (a basis dir that climbs out of it is looked for inside).
func TestDaemonSnapshotsAndBackups(t *testing.T) {
	addr, _, drop := startDaemon(t)
	src := t.TempDir()
	writeTestFile(t, filepath.Join(src, "kept"), "kept")
	writeTestFile(t, filepath.Join(src, "changed"), "v1")
	outside := filepath.Join(filepath.Dir(drop), "outside")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(drop, "snap"), 0o755); err != nil {
		t.Fatal(err)
	}
	nlink := func(p string) uint64 {
		t.Helper()
		fi, err := os.Lstat(filepath.Join(drop, p))
		if err != nil {
			t.Fatal(err)
		}
		return uint64(fi.Sys().(*syscall.Stat_t).Nlink)
	}
	url := "ferry://" + addr + "/drop/"
	code, _, errs := runCLI(t, src+"/", url+"snap/1/")
	if code != ExitOK {
		t.Fatalf("first snapshot: exit %d, stderr %q", code, errs)
	}
	writeTestFile(t, filepath.Join(src, "changed"), "version 2")
	code, _, errs = runCLI(t, "--link-dest=../1", src+"/", url+"snap/2/")
	if code != ExitOK {
		t.Fatalf("second snapshot: exit %d, stderr %q", code, errs)
	}
	if n := nlink("snap/2/kept"); n != 2 {
		t.Errorf("snap/2/kept: %d links, want 2 (linked to snap/1)", n)
	}
	if n := nlink("snap/2/changed"); n != 1 {
		t.Errorf("snap/2/changed: %d links, want 1", n)
	}

	writeTestFile(t, filepath.Join(src, "changed"), "version 3")
	code, _, errs = runCLI(t, "--backup-dir=../old", src+"/", url+"snap/2/")
	if code != ExitOK {
		t.Fatalf("backup push: exit %d, stderr %q", code, errs)
	}
	if b, err := os.ReadFile(filepath.Join(drop, "snap/old/changed")); err != nil || string(b) != "version 2" {
		t.Errorf("backup: %q, %v; want version 2", b, err)
	}

	// A basis dir climbing out of the module stays inside it.
	writeTestFile(t, filepath.Join(outside, "kept"), "kept")
	code, _, errs = runCLI(t, "--link-dest=../../../../outside", src+"/", url+"snap/3/")
	if code != ExitOK {
		t.Fatalf("escaping link-dest: exit %d, stderr %q", code, errs)
	}
	fi, err := os.Stat(filepath.Join(outside, "kept"))
	if err != nil || fi.Sys().(*syscall.Stat_t).Nlink != 1 {
		t.Errorf("a file outside the module was linked: %v", err)
	}
}
