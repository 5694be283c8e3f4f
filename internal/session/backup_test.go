package session

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// readTree maps every non-directory below root to its content ("->x" for a
// symlink to x) and every directory to "dir".
func readTree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	must(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		switch {
		case d.IsDir():
			out[rel] = "dir"
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			out[rel] = "->" + target
			return err
		default:
			b, err := os.ReadFile(p)
			out[rel] = string(b)
			return err
		}
		return nil
	}))
	return out
}

// TestBackup: what the receiver replaces or deletes is first given its
// backup name, beside it or under a backup directory inside or outside the
// destination; old backups beside the files survive --delete.
func TestBackup(t *testing.T) {
	src := map[string]string{"f": "new f", "sub/g": "new g", "l": "->new", "same": "same", "d": "dir"}
	dst := map[string]string{"f": "old f", "sub/g": "old g", "l": "->old", "same": "same",
		"gone": "deleted", "old~": "an old backup", "gonedir/h": "deleted h", "d": "was a file"}
	tests := []struct {
		name      string
		dir, suf  string
		delExcl   bool
		want      map[string]string // of the destination, besides the source's entries
		wantOther map[string]string // of ../bk
	}{
		{name: "beside", suf: "~", want: map[string]string{
			"f~": "old f", "sub/g~": "old g", "l~": "->old", "gone~": "deleted", "old~": "an old backup",
			"gonedir": "dir", "gonedir/h~": "deleted h", "d~": "was a file"}},
		{name: "beside, delete-excluded", suf: "~", delExcl: true, want: map[string]string{
			"f~": "old f", "sub/g~": "old g", "l~": "->old", "gone~": "deleted", "old~~": "an old backup",
			"gonedir": "dir", "gonedir/h~": "deleted h", "d~": "was a file"}},
		{name: "dir inside", dir: "bk", want: map[string]string{
			"bk": "dir", "bk/sub": "dir", "bk/gonedir": "dir",
			"bk/f": "old f", "bk/sub/g": "old g", "bk/l": "->old", "bk/gone": "deleted", "bk/old~": "an old backup",
			"bk/gonedir/h": "deleted h", "bk/d": "was a file"}},
		{name: "dir outside, suffix", dir: "../bk", suf: ".1", want: map[string]string{}, wantOther: map[string]string{
			"sub": "dir", "gonedir": "dir",
			"f.1": "old f", "sub/g.1": "old g", "l.1": "->old", "gone.1": "deleted", "old~.1": "an old backup",
			"gonedir/h.1": "deleted h", "d.1": "was a file"}},
	}
	for _, role := range []string{"pull", "push"} {
		for _, tc := range tests {
			t.Run(role+"/"+tc.name, func(t *testing.T) {
				base := t.TempDir()
				s, d := filepath.Join(base, "src"), filepath.Join(base, "dst")
				writeTree(t, s, src)
				writeTree(t, d, dst)
				setTimes(t, s)
				fi, err := os.Stat(filepath.Join(s, "same"))
				must(t, err)
				must(t, os.Chtimes(filepath.Join(d, "same"), fi.ModTime(), fi.ModTime()))
				cfg := archive()
				cfg.Delete, cfg.DeleteExcluded = true, tc.delExcl
				cfg.Backup, cfg.BackupDir, cfg.Suffix = true, tc.dir, tc.suf
				sy := runner(role)(t, cfg, 64<<10, d, s+"/")
				sy.pass()
				sy.close()
				want := readTree(t, s)
				for k, v := range tc.want {
					want[k] = v
				}
				checkTree(t, d, want)
				if tc.wantOther != nil {
					checkTree(t, filepath.Join(base, "bk"), tc.wantOther)
				}
			})
		}
	}
}

func checkTree(t *testing.T, root string, want map[string]string) {
	t.Helper()
	got := readTree(t, root)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: unexpected %q", k, v)
		}
	}
}

// TestBackupFails: a backup that cannot be made leaves the entry as it
// was (replaced or deleted only once its backup exists) and the run
// reports the error.
func TestBackupFails(t *testing.T) {
	base := t.TempDir()
	s, d := filepath.Join(base, "src"), filepath.Join(base, "dst")
	writeTree(t, s, map[string]string{"sub/f": "new f"})
	writeTree(t, d, map[string]string{"sub/f": "old f", "gone": "keep me", "bk": "a file, not a directory"})
	cfg := archive()
	cfg.Delete, cfg.Backup, cfg.BackupDir = true, true, "bk"
	sy := pull(t, cfg, 64<<10, d, s+"/")
	st := sy.pass()
	sy.close()
	if st.Errors == 0 {
		t.Errorf("stats %+v: want errors", st)
	}
	for name, want := range map[string]string{"sub/f": "old f", "gone": "keep me"} {
		if b, err := os.ReadFile(filepath.Join(d, name)); err != nil || string(b) != want {
			t.Errorf("%s: %q, %v; want it untouched, %q", name, b, err, want)
		}
	}
}

// TestBackupDirTimes: without a backup directory, directory times are
// not set (rsync forces --omit-dir-times), with one they are.
func TestBackupDirTimes(t *testing.T) {
	for _, dir := range []string{"", "bk"} {
		t.Run("dir="+dir, func(t *testing.T) {
			base := t.TempDir()
			s, d := filepath.Join(base, "src"), filepath.Join(base, "dst")
			writeTree(t, s, map[string]string{"sub/f": "f"})
			setTimes(t, s)
			cfg := archive()
			cfg.Backup, cfg.BackupDir, cfg.Suffix = true, dir, "~"
			sy := pull(t, cfg, 64<<10, d, s+"/")
			sy.pass()
			sy.close()
			sfi, err := os.Stat(filepath.Join(s, "sub"))
			must(t, err)
			dfi, err := os.Stat(filepath.Join(d, "sub"))
			must(t, err)
			if same := sfi.ModTime().Equal(dfi.ModTime()); same != (dir != "") {
				t.Errorf("directory time copied: %v, want %v", same, dir != "")
			}
		})
	}
}

// TestBackupDirConfined: a server confined to a root (a daemon module)
// keeps a backup directory that climbs out of it inside the root.
func TestBackupDirConfined(t *testing.T) {
	base := t.TempDir()
	module, outside := filepath.Join(base, "module"), filepath.Join(base, "bk")
	local := t.TempDir()
	writeTree(t, local, map[string]string{"f": "new"})
	setTimes(t, local) // older than the module's file: it differs
	writeTree(t, module, map[string]string{"d/f": "old"})
	root, err := os.OpenRoot(module)
	must(t, err)
	defer root.Close()
	cfg := archive()
	cfg.Backup, cfg.BackupDir = true, "../../bk"
	if _, err := serveInWith(t, root, cfg, []string{local + "/"}, []string{"d/"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(outside); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("backup dir outside the module: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(module, "bk/f")); err != nil || string(b) != "old" {
		t.Errorf("backup inside the module: %q, %v", b, err)
	}
}

// TestBackupInplace: a file updated in place is backed up as a copy (a
// link would share the data being overwritten) with its old attributes.
func TestBackupInplace(t *testing.T) {
	for _, role := range []string{"pull", "push"} {
		t.Run(role, func(t *testing.T) {
			base := t.TempDir()
			s, d := filepath.Join(base, "src"), filepath.Join(base, "dst")
			writeTree(t, s, map[string]string{"f": "the new content, longer"})
			writeTree(t, d, map[string]string{"f": "old content"})
			setTimes(t, s)
			must(t, os.Chmod(filepath.Join(d, "f"), 0o600))
			ino := inode(t, filepath.Join(d, "f"))
			cfg := archive()
			cfg.Inplace, cfg.Backup, cfg.Suffix = true, true, "~"
			sy := runner(role)(t, cfg, 64<<10, d, s+"/")
			sy.pass()
			sy.close()
			checkTree(t, d, map[string]string{"f": "the new content, longer", "f~": "old content"})
			if got := inode(t, filepath.Join(d, "f")); got != ino {
				t.Errorf("f was not updated in place")
			}
			if fi, err := os.Stat(filepath.Join(d, "f~")); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("f~: %v, %v; want the old mode 0600", fi.Mode(), err)
			}
		})
	}
}
