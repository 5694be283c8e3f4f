package session

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestPullNewTree(t *testing.T) {
	for _, role := range []string{"pull", "push"} {
		t.Run(role, func(t *testing.T) {
			src, dst := t.TempDir(), filepath.Join(t.TempDir(), "dst")
			writeTree(t, src, map[string]string{
				"a.txt": "hello", "empty": "", "d/e/f": "deep", "d/g": string(randomBytes(300 << 10)),
				"link": "->a.txt", "z": "dir",
			})
			setTimes(t, src)
			run := runner(role)
			s := run(t, archive(), 64<<10, dst, src+"/")
			st := s.pass()
			s.close()
			sameTree(t, src, dst, true)
			if st.RegularFiles != 4 || st.FilesTransferred != 4 {
				t.Errorf("stats: %+v", st)
			}
			got := s.itemized()
			want := []string{"cd+++++++++ .", ">f+++++++++ a.txt", "cd+++++++++ d", "cd+++++++++ d/e", ">f+++++++++ empty", "cL+++++++++ link", "cd+++++++++ z", ">f+++++++++ d/e/f", ">f+++++++++ d/g"}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("itemized:\n got %q\nwant %q", got, want)
			}
		})
	}
}

func TestDirItself(t *testing.T) {
	src, dst := filepath.Join(t.TempDir(), "src"), t.TempDir()
	writeTree(t, src, map[string]string{"x": "1", "y/z": "2"})
	writeTree(t, dst, map[string]string{"other": "keep"})
	s := pull(t, Config{Recursive: true, Times: true, Perms: true, Delete: true}, 4096, dst, src)
	s.pass()
	s.close()
	sameTree(t, src, filepath.Join(dst, "src"), true)
	if _, err := os.Stat(filepath.Join(dst, "other")); err != nil {
		t.Errorf("entry outside the transferred directory was touched: %v", err)
	}
}

func TestHardLinksAndPerms(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	writeTree(t, src, map[string]string{"a": "shared", "sub/x": "x"})
	must(t, os.Link(filepath.Join(src, "a"), filepath.Join(src, "sub", "b")))
	must(t, os.Chmod(filepath.Join(src, "sub", "x"), 0o600))
	must(t, os.Chmod(filepath.Join(src, "sub"), 0o750))
	setTimes(t, src)
	cfg := archive()
	cfg.HardLinks = true
	s := pull(t, cfg, 4096, dst, src+"/")
	s.pass()
	s.close()
	sameTree(t, src, dst, true)
	fa, _ := os.Stat(filepath.Join(dst, "a"))
	fb, _ := os.Stat(filepath.Join(dst, "sub", "b"))
	if !os.SameFile(fa, fb) {
		t.Error("sub/b is not a hard link to a")
	}
	if !slices.Contains(s.itemized(), "hf+++++++++ sub/b") {
		t.Error("no hf itemize for the hard link")
	}
}
