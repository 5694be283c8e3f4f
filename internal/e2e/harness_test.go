package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestSnapshotDetects checks that the tree comparison sees each kind of
// difference the suite relies on, so a passing comparison means something.
func TestSnapshotDetects(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(t *testing.T, root string)
		want   string // substring of the reported difference
	}{
		{"mtime-ns", func(t *testing.T, root string) {
			ts := []unix.Timespec{unix.NsecToTimespec(baseTime + 1), unix.NsecToTimespec(baseTime + 1)}
			if err := unix.UtimesNanoAt(unix.AT_FDCWD, filepath.Join(root, "f"), ts, 0); err != nil {
				t.Fatal(err)
			}
		}, `"f": mtime`},
		{"setgid", func(t *testing.T, root string) {
			if err := os.Chmod(filepath.Join(root, "d"), 0o755|os.ModeSetgid); err != nil {
				t.Fatal(err)
			}
		}, `"d": mode want 0755, got 2755`},
		{"content-same-size", func(t *testing.T, root string) {
			f, err := os.OpenFile(filepath.Join(root, "f"), os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteAt([]byte("X"), 0); err != nil {
				t.Fatal(err)
			}
		}, `"f": content`},
		{"symlink-target", func(t *testing.T, root string) {
			os.Remove(filepath.Join(root, "l"))
			if err := os.Symlink("elsewhere", filepath.Join(root, "l")); err != nil {
				t.Fatal(err)
			}
		}, `"l": symlink target`},
		{"hard-link", func(t *testing.T, root string) {
			if err := os.Link(filepath.Join(root, "f"), filepath.Join(root, "d/f3")); err != nil {
				t.Fatal(err)
			}
		}, "hard-link groups"},
		{"extra", func(t *testing.T, root string) {
			if err := os.WriteFile(filepath.Join(root, "new\nname"), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}, `"new\nname": unexpected`},
		{"type", func(t *testing.T, root string) {
			os.Remove(filepath.Join(root, "l"))
			if err := os.Mkdir(filepath.Join(root, "l"), 0o755); err != nil {
				t.Fatal(err)
			}
		}, `"l": type`},
	}
	nodes := []node{
		{path: ".", kind: kDir},
		{path: "f", kind: kFile, data: []byte("hello")},
		{path: "d/f2", kind: kFile, data: []byte("hello")},
		{path: "d", kind: kDir},
		{path: "l", kind: kSymlink, target: "f"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
			buildTree(t, a, nodes)
			buildTree(t, b, nodes)
			if d := diffSnapshots(takeSnapshot(t, a), takeSnapshot(t, b), compareOpts{}); len(d) != 0 {
				t.Fatalf("identical builds differ: %q", d)
			}
			tc.mutate(t, b)
			d := diffSnapshots(takeSnapshot(t, a), takeSnapshot(t, b), compareOpts{})
			if !strings.Contains(strings.Join(d, "\n"), tc.want) {
				t.Errorf("differences %q do not mention %q", d, tc.want)
			}
		})
	}
}
