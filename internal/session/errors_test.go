package session

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestFileErrorCountedOnce makes a source file vanish after the receiver
// decided to request it: the run goes on, the file is reported once and
// counted once in the pass's stats, whichever side is the client.
func TestFileErrorCountedOnce(t *testing.T) {
	for _, role := range []string{"pull", "push"} {
		t.Run(role, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			writeTree(t, src, map[string]string{"a": "aaa", "gone": "soon gone", "z": "zzz"})
			testHooks.Prepared = func(p string) {
				if p == "gone" {
					must(t, os.Remove(filepath.Join(src, "gone")))
				}
			}
			t.Cleanup(func() { testHooks.Prepared = nil })
			run := runner(role)
			s := run(t, archive(), 64<<10, dst, src+"/")
			st := s.pass()
			s.close()
			if st.Errors != 1 || st.FilesTransferred != 2 {
				t.Errorf("stats %+v: want 1 error, 2 files transferred", st)
			}
			var errs []Event
			for _, ev := range s.events {
				if ev.Kind == EventError {
					errs = append(errs, ev)
				}
			}
			if len(errs) != 1 || errs[0].Path != "gone" || !errors.Is(errs[0].Err, ErrVanished) {
				t.Errorf("error events %+v: want one for gone, matching ErrVanished", errs)
			}
			if _, err := os.Stat(filepath.Join(dst, "gone")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("gone exists in the destination: %v", err)
			}
		})
	}
}
