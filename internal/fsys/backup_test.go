//go:build linux

package fsys

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

func inode(t *testing.T, p string) (ino, nlink uint64) {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return st.Ino, uint64(st.Nlink)
}

func TestBackup(t *testing.T) {
	tests := []struct {
		name      string
		keep      bool
		otherRoot bool
		bname     string
		existing  bool // a stale backup is already there
	}{
		{name: "rename beside", bname: "d/f~"},
		{name: "link beside", keep: true, bname: "d/f~"},
		{name: "link over a stale backup", keep: true, bname: "d/f~", existing: true},
		{name: "rename over a stale backup", bname: "d/f~", existing: true},
		{name: "rename into another root", otherRoot: true, bname: "d/f"},
		{name: "link into another root", keep: true, otherRoot: true, bname: "d/f"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, r := newRoot(t)
			writeFile(t, filepath.Join(dir, "d/f"), "old")
			ino, _ := inode(t, filepath.Join(dir, "d/f"))
			dst, bdir := r, dir
			if tc.otherRoot {
				bdir, dst = newRoot(t)
				os.Mkdir(filepath.Join(bdir, "d"), 0o755)
			}
			if tc.existing {
				writeFile(t, filepath.Join(bdir, tc.bname), "stale")
			}
			if err := r.Backup("d/f", dst, tc.bname, tc.keep); err != nil {
				t.Fatal(err)
			}
			bino, nlink := inode(t, filepath.Join(bdir, tc.bname))
			if bino != ino {
				t.Errorf("backup is inode %d, want the original %d", bino, ino)
			}
			_, err := os.Lstat(filepath.Join(dir, "d/f"))
			switch {
			case tc.keep && (err != nil || nlink != 2):
				t.Errorf("kept original: lstat %v, nlink %d; want it there, nlink 2", err, nlink)
			case !tc.keep && !errors.Is(err, fs.ErrNotExist):
				t.Errorf("renamed original still there: %v", err)
			}
			noTemps(t, dir)
			noTemps(t, bdir)
		})
	}
}

func TestBackupRefuses(t *testing.T) {
	dir, r := newRoot(t)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	writeFile(t, filepath.Join(dir, "f"), "x")
	tests := []struct {
		name, from, to string
		want           error
	}{
		{"a directory", "sub", "sub~", ErrBackupDir},
		{"escaping backup name", "f", "../f~", ErrUnsafePath},
		{"missing backup directory", "f", "no/f", fs.ErrNotExist},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := r.Backup(tc.from, r, tc.to, false); !errors.Is(err, tc.want) {
				t.Fatalf("Backup = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestLinkFrom(t *testing.T) {
	dir, r := newRoot(t)
	bdir, basis := newRoot(t)
	writeFile(t, filepath.Join(bdir, "a/f"), "same")
	os.Symlink("target", filepath.Join(bdir, "a/l"))
	os.Mkdir(filepath.Join(dir, "a"), 0o755)
	writeFile(t, filepath.Join(dir, "a/l"), "in the way")
	before := snapshot(t, bdir)
	for _, name := range []string{"a/f", "a/l"} {
		if err := r.LinkFrom(basis, name, name); err != nil {
			t.Fatal(err)
		}
		want, _ := inode(t, filepath.Join(bdir, name))
		got, nlink := inode(t, filepath.Join(dir, name))
		if got != want || nlink != 2 {
			t.Errorf("%s: inode %d nlink %d, want %d nlink 2", name, got, nlink, want)
		}
	}
	if err := r.LinkFrom(basis, "../x", "a/x"); !errors.Is(err, ErrUnsafePath) {
		t.Errorf("LinkFrom outside the basis: %v, want ErrUnsafePath", err)
	}
	if err := basis.InParent("../x", func(int, string) error { return nil }); !errors.Is(err, ErrUnsafePath) {
		t.Errorf("InParent outside the root: %v, want ErrUnsafePath", err)
	}
	var base string
	if err := basis.InParent("a/f", func(_ int, b string) error { base = b; return nil }); err != nil || base != "f" {
		t.Errorf("InParent(a/f): base %q, %v", base, err)
	}
	after := snapshot(t, bdir)
	if !slices.Equal(before, after) {
		t.Errorf("basis changed:\n%q\n%q", before, after)
	}
	noTemps(t, dir)
}
