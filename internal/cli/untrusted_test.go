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
	// A remote receiver refuses it too, and the client exits 3.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(reexecEnv, "1")
	code, _, stderr := runMain(t, "-e", fakeRemoteShell(t), "--ferry-path", self, src+"/", "remotehost:"+foreign+"/")
	if code != ExitFileSelect || !strings.Contains(stderr, "symlink owned by neither root nor this user") {
		t.Errorf("push over a remote shell: exit %d, want %d: %s", code, ExitFileSelect, stderr)
	}
	if ents, _ := os.ReadDir(victim); len(ents) != 0 {
		t.Fatalf("push over a remote shell: written through the link: %v", ents)
	}
	if code, _, stderr := runCLI(t, src+"/", mine+"/"); code != ExitOK {
		t.Fatalf("through this user's link: exit %d: %s", code, stderr)
	}
	if b, err := os.ReadFile(filepath.Join(victim, "f")); err != nil || string(b) != "data" {
		t.Fatalf("through this user's link: %q, %v", b, err)
	}
}

// TestOptionFileUntrustedSymlink: a file an option names (--exclude-from,
// --files-from, a --filter merge file, --log-file) is not read or written
// through a symlink another user owns: the run stops, naming the link,
// with the code a missing file gives (3 or 11; rsync 3.5.0 has 11, 1, and
// for --log-file a warning; daemon.TestPasswordFileUntrustedSymlink:
// --password-file).
func TestOptionFileUntrustedSymlink(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can give a symlink to another user")
	}
	base := t.TempDir()
	src := filepath.Join(base, "src")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "f"), []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(base, "secret")
	if err := os.WriteFile(secret, []byte("f\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "link")
	if err := os.Symlink(secret, link); err != nil {
		t.Fatal(err)
	}
	if err := unix.Lchown(link, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(base, "dst") + "/"
	for _, args := range [][]string{
		{"--exclude-from=" + link, src + "/", dst},
		{"--files-from=" + link, src + "/", dst},
		{"--filter=merge " + link, src + "/", dst},
		{"--log-file=" + link, src + "/", dst},
	} {
		code, _, stderr := runCLI(t, args...)
		if code == ExitOK || !strings.Contains(stderr, link+": symlink owned by neither root nor this user") {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
	if b, _ := os.ReadFile(secret); string(b) != "f\n" {
		t.Errorf("the file behind the link changed: %q", b)
	}
}
