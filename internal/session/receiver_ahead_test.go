package session

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ferrysync/ferry/internal/fsys"
)

// TestCreateAheadDiscarded makes source files vanish after the receiver
// created their temp files ahead of the data (createAhead): the existing
// destination file is left as it was, a new one never appears, and no
// temp file is left behind, on both roles and with whole-file and delta
// requests.
func TestCreateAheadDiscarded(t *testing.T) {
	for _, tc := range []struct {
		name      string
		role      string
		wholeFile bool
	}{
		{"pull delta", "pull", false},
		{"push delta", "push", false},
		{"pull whole-file", "pull", true},
		{"push whole-file", "push", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			writeTree(t, src, map[string]string{"a": "aaa", "old": "new contents", "fresh": "soon gone", "z": "zzz"})
			writeTree(t, dst, map[string]string{"old": "previous"})
			testHooks.Prepared = func(p string) {
				if p == "old" || p == "fresh" {
					must(t, os.Remove(filepath.Join(src, p)))
				}
			}
			t.Cleanup(func() { testHooks.Prepared = nil })
			run := runner(tc.role)
			cfg := archive()
			cfg.WholeFile = tc.wholeFile
			s := run(t, cfg, 64<<10, dst, src+"/")
			st := s.pass()
			s.close()
			if st.Errors != 2 || st.FilesTransferred != 2 {
				t.Errorf("stats %+v: want 2 errors, 2 files transferred", st)
			}
			if b, err := os.ReadFile(filepath.Join(dst, "old")); err != nil || string(b) != "previous" {
				t.Errorf("old: %q, %v; want it untouched", b, err)
			}
			if _, err := os.Lstat(filepath.Join(dst, "fresh")); !os.IsNotExist(err) {
				t.Errorf("fresh exists in the destination: %v", err)
			}
			names, err := os.ReadDir(dst)
			must(t, err)
			for _, de := range names {
				if fsys.IsTempName(de.Name()) {
					t.Errorf("temp file %s left behind", de.Name())
				}
			}
		})
	}
}
