package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestDestUntrustedSymlink: a destination (or --link-dest, --temp-dir)
// reached through a symlink another user owns is refused with code 3 and
// nothing is written where it points; one of this user's is followed (as
// rsync 3.5.0, CVE-2026-53796).
func TestDestUntrustedSymlink(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can give a symlink to another user")
	}
	base := t.TempDir()
	src, victim := filepath.Join(base, "src"), filepath.Join(base, "victim")
	for _, d := range []string{src, victim} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(src, "f"), []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	foreign, mine := filepath.Join(base, "foreign"), filepath.Join(base, "mine")
	for _, l := range []string{foreign, mine} {
		if err := os.Symlink("victim", l); err != nil {
			t.Fatal(err)
		}
	}
	if err := unix.Lchown(foreign, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{src + "/", foreign + "/"},
		{src + "/", foreign + "/sub/"},
		{"--temp-dir", foreign, src + "/", filepath.Join(base, "dst1") + "/"},
	} {
		code, _, stderr := runCLI(t, args...)
		if code != ExitFileSelect || !strings.Contains(stderr, foreign+": symlink owned by neither root nor this user") {
			t.Errorf("%v: exit %d, want %d naming the link: %s", args, code, ExitFileSelect, stderr)
		}
		if ents, _ := os.ReadDir(victim); len(ents) != 0 {
			t.Fatalf("%v: written through the link: %v", args, ents)
		}
	}
	if code, _, stderr := runCLI(t, src+"/", mine+"/"); code != ExitOK {
		t.Fatalf("through this user's link: exit %d: %s", code, stderr)
	}
	if b, err := os.ReadFile(filepath.Join(victim, "f")); err != nil || string(b) != "data" {
		t.Fatalf("through this user's link: %q, %v", b, err)
	}
}
