package session

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/wire"
)

func nlink(t *testing.T, p string) uint64 {
	t.Helper()
	fi, err := os.Lstat(p)
	must(t, err)
	return uint64(fi.Sys().(*syscall.Stat_t).Nlink)
}

// basisFixture makes src and prev: "same" and "link" unchanged in prev,
// "mode" with other permissions, "big" with a few bytes changed (a delta
// basis), "new" only in src.
func basisFixture(t *testing.T, base string) (src, prev string) {
	t.Helper()
	src, prev = filepath.Join(base, "src"), filepath.Join(base, "prev")
	big := randomBytes(256 << 10)
	old := bytes.Clone(big)
	copy(old[1000:], "a few changed bytes")
	writeTree(t, src, map[string]string{"same": "same", "mode": "mode", "link": "->target", "new": "new", "sub/big": string(big)})
	writeTree(t, prev, map[string]string{"same": "same", "mode": "mode", "link": "->target", "sub/big": string(old)})
	must(t, os.Chmod(filepath.Join(prev, "mode"), 0o600))
	ts := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, root := range []string{src, prev} {
		for _, n := range []string{"same", "mode", "sub/big"} {
			must(t, os.Chtimes(filepath.Join(root, n), ts, ts))
		}
	}
	older := ts.Add(-time.Hour) // the quick check sees the change
	must(t, os.Chtimes(filepath.Join(prev, "sub/big"), older, older))
	return src, prev
}

// TestBasisDirs: with basis directories, unchanged files are linked,
// left out or copied; a file of other mode is copied with the source's; a
// changed one is sent against the basis file; the basis is never written.
func TestBasisDirs(t *testing.T) {
	tests := []struct {
		name      string
		kind      uint8
		wantLinks uint64 // link count of dst/same and dst/link
		absent    bool   // same and link left out
	}{
		{name: "link", kind: wire.BasisLink, wantLinks: 2},
		{name: "compare", kind: wire.BasisCompare, absent: true},
		{name: "copy", kind: wire.BasisCopy, wantLinks: 1},
	}
	for _, role := range []string{"pull", "push"} {
		for _, tc := range tests {
			t.Run(role+"/"+tc.name, func(t *testing.T) {
				base := t.TempDir()
				src, prev := basisFixture(t, base)
				dst := filepath.Join(base, "snap", "new")
				must(t, os.Mkdir(filepath.Join(base, "snap"), 0o755))
				before := readTree(t, prev)
				cfg := archive()
				cfg.BasisKind, cfg.BasisDirs = tc.kind, []string{"../missing", "../../prev"}
				sy := runner(role)(t, cfg, 64<<10, dst, src+"/")
				st := sy.pass()
				sy.close()
				for _, n := range []string{"same", "link"} {
					_, err := os.Lstat(filepath.Join(dst, n))
					switch {
					case tc.absent && err == nil:
						t.Errorf("%s: present, want it left out", n)
					case !tc.absent && err != nil:
						t.Errorf("%s: %v", n, err)
					case !tc.absent && nlink(t, filepath.Join(dst, n)) != tc.wantLinks:
						t.Errorf("%s: %d links, want %d", n, nlink(t, filepath.Join(dst, n)), tc.wantLinks)
					}
				}
				fi, err := os.Stat(filepath.Join(dst, "mode"))
				must(t, err)
				if fi.Mode().Perm() != 0o644 || nlink(t, filepath.Join(dst, "mode")) != 1 {
					t.Errorf("mode: %v, %d links; want a copy with 0644", fi.Mode(), nlink(t, filepath.Join(dst, "mode")))
				}
				for _, n := range []string{"new", "sub/big"} {
					a, _ := os.ReadFile(filepath.Join(src, n))
					b, err := os.ReadFile(filepath.Join(dst, n))
					if err != nil || !bytes.Equal(a, b) {
						t.Errorf("%s: not the source's content (%v)", n, err)
					}
				}
				if st.MatchedBytes == 0 {
					t.Errorf("stats %+v: sub/big was not sent against its basis", st)
				}
				checkTree(t, prev, before)
				if fi, err := os.Stat(filepath.Join(prev, "mode")); err != nil || fi.Mode().Perm() != 0o600 {
					t.Errorf("basis file's mode changed: %v %v", fi.Mode(), err)
				}
				notice := false
				for _, ev := range sy.events {
					notice = notice || (ev.Kind == EventNotice && ev.Path == "../missing")
				}
				if role == "pull" && !notice {
					t.Errorf("no notice of the missing basis dir: %v", sy.events)
				}
			})
		}
	}
}

// TestBasisDirConfined: a server confined to a root (a daemon module)
// looks for a basis directory that climbs out of it inside the root only.
func TestBasisDirConfined(t *testing.T) {
	base := t.TempDir()
	module, outside := filepath.Join(base, "module"), filepath.Join(base, "prev")
	local := t.TempDir()
	writeTree(t, local, map[string]string{"f": "same"})
	writeTree(t, outside, map[string]string{"f": "same"})
	setTimes(t, local)
	setTimes(t, outside)
	must(t, os.MkdirAll(module, 0o755))
	root, err := os.OpenRoot(module)
	must(t, err)
	defer root.Close()
	cfg := archive()
	cfg.BasisKind, cfg.BasisDirs = wire.BasisLink, []string{"../../prev"}
	if _, err := serveInWith(t, root, cfg, []string{local + "/"}, []string{"d/"}); err != nil {
		t.Fatal(err)
	}
	if n := nlink(t, filepath.Join(outside, "f")); n != 1 {
		t.Errorf("a file outside the module was linked: %d links", n)
	}
	if b, err := os.ReadFile(filepath.Join(module, "d/f")); err != nil || string(b) != "same" {
		t.Errorf("d/f: %q, %v", b, err)
	}
}
