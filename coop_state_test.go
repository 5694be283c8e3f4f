package ferry

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// treeState describes the tree at root, one line per entry (sorted by
// path): type and mode, mtime to the nanosecond (directories included),
// size and content hash of files, symlink targets, and for a file with
// several links the first path of its inode, so that two trees with the
// same state have the same hard-link groups. A directory that src (when
// not "") lacks, an extraneous one kept for what it holds, has no mtime:
// that of its deletions.
func treeState(t *testing.T, root, src string) string {
	t.Helper()
	var lines []string
	firstOf := map[uint64]string{}
	check(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		check(t, err)
		rel, _ := filepath.Rel(root, p)
		fi, err := os.Lstat(p)
		check(t, err)
		line := fmt.Sprintf("%s %v", rel, fi.Mode())
		switch {
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			check(t, err)
			line += fmt.Sprintf(" %d %x %d", fi.Size(), sha256.Sum256(b), fi.ModTime().UnixNano())
			if st := fi.Sys().(*syscall.Stat_t); st.Nlink > 1 {
				if _, ok := firstOf[st.Ino]; !ok {
					firstOf[st.Ino] = rel
				}
				line += " =" + firstOf[st.Ino]
			}
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			check(t, err)
			line += " -> " + target
		default:
			if _, err := os.Lstat(filepath.Join(src, rel)); src == "" || err == nil {
				line += fmt.Sprintf(" %d", fi.ModTime().UnixNano())
			}
		}
		lines = append(lines, line)
		return nil
	}))
	return strings.Join(lines, "\n")
}

// copyTree copies the tree src to dst with cp -a (hard links, times).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	if out, err := exec.Command("cp", "-a", src, dst).CombinedOutput(); err != nil {
		t.Fatalf("cp -a: %v: %s", err, out)
	}
}

// diffStates fails t with the lines where two tree states differ.
func diffStates(t *testing.T, what, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	in := func(l []string) map[string]bool {
		m := map[string]bool{}
		for _, s := range l {
			m[s] = true
		}
		return m
	}
	gm, wm := in(g), in(w)
	var d []string
	for _, s := range w {
		if !gm[s] {
			d = append(d, "- "+s)
		}
	}
	for _, s := range g {
		if !wm[s] {
			d = append(d, "+ "+s)
		}
	}
	if len(d) > 20 {
		d = append(d[:20], "...")
	}
	t.Fatalf("%s: the trees differ (- one run, + this):\n%s", what, strings.Join(d, "\n"))
}
