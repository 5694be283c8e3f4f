package cli

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// listTree returns the paths below dir, sorted ("a", "a/b", ...).
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err == nil && p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// TestDaemonFilters: per-directory merge files, protect rules, a merge
// file read by the client and -m work through a daemon, both ways: the
// daemon's side reads the merge files of its own tree, the client's side
// those of its tree.
func TestDaemonFilters(t *testing.T) {
	addr, pub, drop := startDaemon(t)
	for name, body := range map[string]string{
		".rsync-filter": "- *.o\nP keep.txt\n", "sub/.rsync-filter": "- b.txt\n",
		"x.o": "o", "y.txt": "y", "z.txt": "z", "e/f/g.o": "o",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(pub, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		writeTestFile(t, filepath.Join(pub, name), body)
	}
	rules := filepath.Join(t.TempDir(), "rules")
	writeTestFile(t, rules, "- z.txt\n")

	// Pull: the daemon's walk reads pub's files; the destination's own
	// .rsync-filter protects keep.txt from --delete.
	dst := t.TempDir()
	writeTestFile(t, filepath.Join(dst, ".rsync-filter"), "- *.o\nP keep.txt\n")
	writeTestFile(t, filepath.Join(dst, "keep.txt"), "mine")
	writeTestFile(t, filepath.Join(dst, "extra.txt"), "extra")
	code, _, errs := runCLI(t, "-F", "-m", "--delete", "--filter=merge "+rules, "ferry://"+addr+"/pub/", dst+"/")
	if code != ExitOK {
		t.Fatalf("pull: exit %d, stderr %q", code, errs)
	}
	want := []string{".rsync-filter", "a.txt", "keep.txt", "sub", "sub/.rsync-filter", "y.txt"}
	if got := listTree(t, dst); !slices.Equal(got, want) {
		t.Errorf("pulled tree %q, want %q", got, want)
	}

	// Push: the client's walk reads the files; the daemon's receiver
	// reads those already in the module.
	in := filepath.Join(drop, "in")
	if err := os.MkdirAll(in, 0o755); err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, filepath.Join(in, ".rsync-filter"), "P theirs.txt\n")
	writeTestFile(t, filepath.Join(in, "theirs.txt"), "theirs")
	writeTestFile(t, filepath.Join(in, "gone.txt"), "gone")
	code, _, errs = runCLI(t, "-F", "-m", "--delete", pub+"/", "ferry://"+addr+"/drop/in/")
	if code != ExitOK {
		t.Fatalf("push: exit %d, stderr %q", code, errs)
	}
	want = []string{".rsync-filter", "a.txt", "sub", "sub/.rsync-filter", "theirs.txt", "y.txt", "z.txt"}
	if got := listTree(t, in); !slices.Equal(got, want) {
		t.Errorf("pushed tree %q, want %q", got, want)
	}
}
