//go:build unix

package daemon

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestPrivilegeDropChild runs a module with uid/gid as root: the session
// must run in a child process with those credentials.
func TestPrivilegeDropChild(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to change credentials")
	}
	// The child is this test binary, run as nobody: copy it where nobody
	// can execute it, and make the module reachable.
	dir := t.TempDir()
	for d := dir; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "daemon.test")
	copyFile(t, exe, bin, 0o755)
	mod := filepath.Join(dir, "mod")
	writeFile(t, filepath.Join(mod, "hello.txt"), "hi", 0o644)
	if err := os.Chmod(mod, 0o777); err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig([]byte(`
[module.drop]
path = "`+mod+`"
read_only = false
uid = 65534
gid = 65534
[module.nowatch]
path = "`+mod+`"
uid = 65534
watch = false
[module.missing]
path = "`+filepath.Join(dir, "nope")+`"
uid = 65534
`), "")
	if err != nil {
		t.Fatal(err)
	}
	ts := startServerConfig(t, cfg, Options{ChildCommand: []string{bin, "serve"}}, "tcp")

	got, err := command(t, ts.addr, OpenOptions{Module: "drop", Role: RoleReceiver}, "whoami")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "uid=65534 ") || !strings.Contains(got, "role=receiver") {
		t.Fatalf("child answered %q, want uid=65534", got)
	}
	if !strings.Contains(got, "nowatch=false") {
		t.Errorf("child answered %q, want nowatch=false", got)
	}
	if got, err := command(t, ts.addr, OpenOptions{Module: "nowatch", Role: RoleSender}, "whoami"); err != nil || !strings.Contains(got, "nowatch=true") {
		t.Errorf("module with watch = false: child answered %q, %v; want nowatch=true (--no-watch)", got, err)
	}
	if got, err := command(t, ts.addr, OpenOptions{Module: "drop", Role: RoleReceiver}, "write made.txt x"); err != nil || got != "ok\n" {
		t.Fatalf("write: %q, %v", got, err)
	}
	fi, err := os.Stat(filepath.Join(mod, "made.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if ownerOf(fi) != 65534 {
		t.Fatalf("made.txt owned by %d, want 65534", ownerOf(fi))
	}
	if _, err := command(t, ts.addr, OpenOptions{Module: "missing", Role: RoleSender}, "whoami"); err == nil || !strings.Contains(err.Error(), `module "missing" is unavailable`) {
		t.Fatalf("missing module: %v", err)
	}
	if !strings.Contains(ts.log.String(), "child started") {
		t.Errorf("no child in the log:\n%s", ts.log.String())
	}
}

func copyFile(t *testing.T, src, dst string, mode os.FileMode) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

func ownerOf(fi os.FileInfo) int {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}
