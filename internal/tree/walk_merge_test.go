package tree

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

// TestDirMergeWalk checks what the walk does with per-directory merge
// files beyond rsync's choice of files (filter_merge_rsync_test.go): files
// it cannot use, symlinks, and walks that start below the top.
func TestDirMergeWalk(t *testing.T) {
	base := t.TempDir()
	src := filepath.Join(base, "t")
	buildTree(t, src, "a.o", "a.c", "sub/a.o", "sub/b.c", "sub/deep/a.o", "sub/deep/c.c",
		"bad/a.o", "bad/x", "dirf/.rf/", "dirf/a.o", "nested/a.o", "link/a.c", "out/a.c", "okln/a.c")
	files := map[string]string{
		".rf":        "- *.o\n",
		"sub/.rf":    "+ a.o\n- /deep/c.c\n",
		"bad/.rf":    "bogus rule\n",
		"nested/.rf": ": .other\n",
		"link/real":  "- *.c\n",
		"okln/.rf2":  "- *.c\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	secret := filepath.Join(base, "secret")
	if err := os.WriteFile(secret, []byte("- *.c\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"link/.rf": "real", "out/.rf": secret, "okln/.rf": "../okln/.rf2", "fifoln/.rf": "fifo"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(src, link)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(src, link)); err != nil {
			t.Fatal(err)
		}
	}
	for _, fifo := range []string{"fifo/.rf", "fifoln/fifo"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(src, fifo)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := unix.Mkfifo(filepath.Join(src, fifo), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := ParseFilter([]string{": .rf"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		start       string
		mergeFrom   string
		want, errAt []string
	}{
		// A directory whose merge file cannot be read (a directory, a
		// FIFO, a bad rule, a nested merge rule, a symlink out of the
		// root or to a FIFO) is
		// reported and not walked; a symlink inside the root is followed.
		{"whole tree", ".", ".", []string{
			".", ".rf", "a.c", "bad/", "dirf/", "fifo/", "fifoln/", "link/", "link/.rf", "link/real",
			"nested/", "okln/", "okln/.rf", "okln/.rf2", "out/",
			"sub/", "sub/.rf", "sub/a.o", "sub/b.c", "sub/deep/", "sub/deep/a.o"}, []string{"bad", "dirf", "fifo", "fifoln", "nested", "out"}},
		{"below the top", "sub/deep", ".", []string{"sub/deep/", "sub/deep/a.o"}, nil},
		{"below the top, its parents not in the transfer", "sub/deep", "sub/deep", []string{"sub/deep/", "sub/deep/a.o", "sub/deep/c.c"}, nil},
	}
	root := openRoot(t, src)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := WalkOptions{Recursive: true, Filter: f, MergeFrom: tt.mergeFrom}
			if tt.start != "." {
				opts.Start, opts.Prefix = tt.start, tt.start
			}
			entries, errs := walkAll(t, root, opts)
			if got := paths(entries); !slices.Equal(got, tt.want) {
				t.Errorf("entries\n got %q\nwant %q", got, tt.want)
			}
			if !slices.Equal(errs, tt.errAt) {
				t.Errorf("errors at %q, want %q", errs, tt.errAt)
			}
		})
	}
}
