package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/peertest"
	"golang.org/x/sys/unix"
)

// TestXattrsACLsLikeRsync gives a tree extended attributes and POSIX ACLs
// with setfattr and setfacl, copies it with `rsync -aAX` and `ferry -aAX`,
// then changes them (an attribute removed, one changed, one added, an ACL
// changed, one removed) and updates both copies: each time the two
// destinations must hold the same attributes, rsync's and ferry's exit
// codes must match, and a run with nothing to change must report nothing.
// The ssh variant pushes through a real sshd.
func TestXattrsACLsLikeRsync(t *testing.T) {
	rsync := needRsync(t)
	setfattr := peertest.Need(t, "setfattr", "attr")
	setfacl := peertest.Need(t, "setfacl", "acl")
	needFerry(t)
	src := t.TempDir()
	buildTree(t, src, []node{
		{path: "f", kind: kFile, data: []byte("one")},
		{path: "d", kind: kDir},
		{path: "d/g", kind: kFile, data: []byte("two")},
		{path: "d/h", kind: kFile, data: []byte("three")},
		{path: "link", kind: kSymlink, target: "f"},
	})
	sh := func(name string, args ...string) {
		t.Helper()
		if r := run(t, name, args...); r.code != 0 {
			t.Fatalf("%v", r)
		}
	}
	if r := run(t, setfattr, "-n", "user.probe", "-v", "1", filepath.Join(src, "f")); r.code != 0 {
		t.Skipf("this filesystem has no user extended attributes: %v", r)
	}
	sh(setfattr, "-x", "user.probe", filepath.Join(src, "f"))
	sh(setfattr, "-n", "user.color", "-v", "red", filepath.Join(src, "f"))
	sh(setfattr, "-n", "user.bin", "-v", "0x00ff10", filepath.Join(src, "d/g"))
	sh(setfattr, "-n", "user.dir", "-v", "yes", filepath.Join(src, "d"))
	sh(setfacl, "-m", "u:65534:rw,g:65534:r", filepath.Join(src, "f"))
	sh(setfacl, "-d", "-m", "u:65534:rx", filepath.Join(src, "d"))
	sh(setfacl, "-m", "u:65534:r", filepath.Join(src, "d/h"))

	for _, variant := range []string{"local", "ssh"} {
		t.Run(variant, func(t *testing.T) {
			base := t.TempDir()
			rdst, fdst := filepath.Join(base, "rsync"), filepath.Join(base, "ferry")
			mine := filepath.Join(base, "src")
			r := run(t, rsync, "-aAX", src+"/", mine+"/") // each variant changes its own copy
			if r.code != 0 {
				t.Fatalf("%v", r)
			}
			var extra []string
			dest := func(dir string) string { return dir + "/" }
			if variant == "ssh" {
				s := startSSH(t)
				extra = []string{"-e", s.RSH(), "--ferry-path", ferryBin}
				dest = func(dir string) string { return s.Host + ":" + dir + "/" }
			}
			step := func(what string, wantQuiet bool) {
				t.Helper()
				rr := run(t, rsync, "-aAXi", mine+"/", rdst+"/")
				fr := run(t, ferryBin, slices.Concat([]string{"-aAXi"}, extra, []string{mine + "/", dest(fdst)})...)
				if rr.code != fr.code {
					t.Fatalf("%s: exit %d, rsync %d\n%v", what, fr.code, rr.code, fr)
				}
				if d := diffXattrs(t, rdst, fdst); len(d) > 0 {
					t.Errorf("%s: attributes differ from rsync's copy:\n%s\nferry: %v", what, strings.Join(d, "\n"), fr)
				}
				if wantQuiet && strings.TrimSpace(fr.stdout) != "" {
					t.Errorf("%s: nothing to change, yet ferry reported:\n%s", what, fr.stdout)
				}
			}
			step("first copy", false)
			step("no change", true)
			sh(setfattr, "-x", "user.color", filepath.Join(mine, "f"))
			sh(setfattr, "-n", "user.bin", "-v", "changed", filepath.Join(mine, "d/g"))
			sh(setfattr, "-n", "user.new", "-v", "1", filepath.Join(mine, "d/h"))
			sh(setfacl, "-m", "u:65534:rwx", filepath.Join(mine, "f"))
			sh(setfacl, "-b", filepath.Join(mine, "d/h"))
			sh(setfacl, "-k", filepath.Join(mine, "d"))
			step("update", false)
			step("no change after the update", true)
		})
	}
}

// diffXattrs compares the user and ACL attributes of the entries of two
// trees.
func diffXattrs(t *testing.T, want, got string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(want, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(want, p)
		w, g := xattrsOf(p), xattrsOf(filepath.Join(got, rel))
		if !slices.EqualFunc(w, g, func(a, b [2]string) bool { return a == b }) {
			out = append(out, rel+":\n  rsync "+strings.Join(flat(w), " ")+"\n  ferry "+strings.Join(flat(g), " "))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func flat(xs [][2]string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, x[0]+"="+x[1])
	}
	return out
}

// xattrsOf lists p's user.* and POSIX ACL attributes, sorted, not
// following a final symlink.
func xattrsOf(p string) [][2]string {
	buf := make([]byte, 64<<10)
	n, err := unix.Llistxattr(p, buf)
	if err != nil {
		return [][2]string{{"error", err.Error()}}
	}
	var out [][2]string
	for _, name := range bytes.Split(buf[:n], []byte{0}) {
		s := string(name)
		if !strings.HasPrefix(s, "user.") && !strings.HasPrefix(s, "system.posix_acl_") {
			continue
		}
		v := make([]byte, 64<<10)
		m, err := unix.Lgetxattr(p, s, v)
		if err != nil {
			out = append(out, [2]string{s, "error " + err.Error()})
			continue
		}
		out = append(out, [2]string{s, string(v[:m])})
	}
	slices.SortFunc(out, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	return out
}
