package session

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestRemoveSource removes the source files the receiver has, pushing
// and pulling (the flag travels in Run to a server sender), but never a
// directory nor a file that changed after it was sent.
func TestRemoveSource(t *testing.T) {
	for _, role := range []string{"push", "pull"} {
		t.Run(role, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			writeTree(t, src, map[string]string{"a": "a", "d/b": "b", "link": "->a", "same": "s", "changed": "c", "empty": "dir"})
			writeTree(t, dst, map[string]string{"same": "s"})
			old := time.Unix(1_600_000_000, 0)
			must(t, os.Chtimes(filepath.Join(src, "same"), old, old))
			must(t, os.Chtimes(filepath.Join(dst, "same"), old, old))
			testHooks.Prepared = func(p string) {
				if p == "changed" { // touched after the entry went out
					must(t, os.Chtimes(filepath.Join(src, "changed"), old, old))
				}
			}
			t.Cleanup(func() { testHooks.Prepared = nil })
			cfg := Config{Recursive: true, Links: true, Times: true, Perms: true, RemoveSource: true}
			s := runner(role)(t, cfg, 0, dst, src+"/")
			st := s.pass()
			s.close()
			for _, p := range []string{"a", "d/b", "link", "same"} {
				if _, err := os.Lstat(filepath.Join(src, p)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("source %s: %v, want removed", p, err)
				}
				if _, err := os.Lstat(filepath.Join(dst, p)); err != nil {
					t.Errorf("destination %s: %v", p, err)
				}
			}
			for _, p := range []string{"changed", "d", "empty", "."} {
				if _, err := os.Lstat(filepath.Join(src, p)); err != nil {
					t.Errorf("source %s: %v, want kept", p, err)
				}
			}
			if st.Errors != 1 {
				t.Errorf("errors %d, want 1 (the changed file)", st.Errors)
			}
			reported := 0
			for _, ev := range s.events {
				if ev.Kind == EventError && ev.Path == "changed" {
					reported++
				}
			}
			if reported != 1 { // a remote sender's failure reaches the client (wire.SourceError)
				t.Errorf("the changed file's error reported %d times to the client, want once", reported)
			}
		})
	}
}
