package session

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// delayTree is the source of the --delay-updates tests: replaced files,
// new ones, an empty one, a hard link and a nested directory.
var delayTree = map[string]string{"a": "new a", "b": "new b, longer", "empty": "", "d/c": "new c", "d/e/f": "new f"}

// delayOld is the destination before the run.
var delayOld = map[string]string{"a": "old a", "d/c": "old c", "gone": "extraneous"}

// checkUntouched fails unless dst still holds exactly delayOld's files
// with their old data (and only .~tmp~ directories besides).
func checkUntouched(t *testing.T, dst string) {
	t.Helper()
	filepath.Walk(dst, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dst, p)
		if slices.Contains(strings.Split(rel, "/"), ".~tmp~") {
			return nil
		}
		if old, ok := delayOld[rel]; !ok {
			t.Errorf("%s appeared before the end of the transfer", rel)
		} else if b, _ := os.ReadFile(p); string(b) != old {
			t.Errorf("%s replaced before the end of the transfer: %q", rel, b)
		}
		return nil
	})
}

// TestDelayUpdates checks that with DelayUpdates no destination file is
// replaced or created while files are received: each hold sees the
// destination as it was (the last one after the last file's data came),
// and the renames come once every file is held; the result is the source,
// directory times included, with no .~tmp~ left. With Delete the
// extraneous file goes too. Over a connection and with the handoff.
func TestDelayUpdates(t *testing.T) {
	for _, handoff := range []bool{false, true} {
		for _, role := range []string{"pull", "push"} {
			name := role
			if handoff {
				name += "/handoff"
			}
			t.Run(name, func(t *testing.T) {
				src, dst := t.TempDir(), t.TempDir()
				writeTree(t, src, delayTree)
				must(t, os.Link(filepath.Join(src, "d/e/f"), filepath.Join(src, "g")))
				setTimes(t, src)
				writeTree(t, dst, delayOld)
				cfg := archive()
				cfg.HardLinks, cfg.Delete = true, true
				cfg.DelayUpdates, cfg.PartialDir = true, ".~tmp~"
				if handoff {
					cfg.WholeFile = true
					cfg.Handoff = NewHandoff()
					defer cfg.Handoff.Close()
				}
				var mu sync.Mutex
				var held []string
				unheld := false
				testHooks.Held = func(p string) {
					mu.Lock()
					defer mu.Unlock()
					held = append(held, p)
					checkUntouched(t, dst)
				}
				testHooks.Unhold = func() {
					mu.Lock()
					defer mu.Unlock()
					unheld = true
					checkUntouched(t, dst)
				}
				t.Cleanup(func() { testHooks.Held, testHooks.Unhold = nil, nil })
				s := runner(role)(t, cfg, 64<<10, dst, src+"/")
				st := s.pass()
				s.close()
				slices.Sort(held)
				if want := []string{"a", "b", "d/c", "d/e/f", "empty"}; !slices.Equal(held, want) && !slices.Equal(held, append(want[:3:3], "empty", "g")) {
					t.Errorf("held %q, want %q (or with g for d/e/f)", held, want)
				}
				if !unheld {
					t.Error("no renames at the end")
				}
				if st.Deleted != 1 {
					t.Errorf("deleted %d, want 1", st.Deleted)
				}
				sameTree(t, src, dst, true)
				if fa, _ := os.Stat(filepath.Join(dst, "g")); fa != nil {
					fb, _ := os.Stat(filepath.Join(dst, "d/e/f"))
					if !os.SameFile(fa, fb) {
						t.Error("g is not a hard link to d/e/f")
					}
				}
			})
		}
	}
}

// TestDelayUpdatesCut cuts the connection after the first files are held:
// the destination's files are all untouched, the held ones wait in .~tmp~,
// and the next run takes them up and renames everything into place.
func TestDelayUpdatesCut(t *testing.T) {
	for _, role := range []string{"pull", "push"} {
		t.Run(role, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			writeTree(t, src, delayTree)
			setTimes(t, src)
			writeTree(t, dst, delayOld)
			cfg := archive()
			cfg.Delete = true
			cfg.DelayUpdates, cfg.PartialDir = true, ".~tmp~"
			cfg.Window = 1 // one file at a time: the cut comes between files
			var once sync.Once
			testHooks.Wrote = func(c roleConn, p string, n int64) {
				if p == "d/c" {
					once.Do(func() { c.Fail(errors.New("cut by the test")) })
				}
			}
			t.Cleanup(func() { testHooks.Wrote = nil })
			s := runner(role)(t, cfg, 64<<10, dst, src+"/")
			if _, err := s.cl.Pass(t.Context(), nil); err == nil {
				t.Fatal("first pass survived the cut connection")
			}
			s.cl.Close(t.Context())
			<-s.serr
			testHooks.Wrote = nil
			checkUntouched(t, dst)
			if _, err := os.Stat(filepath.Join(dst, ".~tmp~", "a")); err != nil {
				t.Errorf("a is not held in .~tmp~: %v", err)
			}

			s = runner(role)(t, cfg, 64<<10, dst, src+"/")
			s.pass()
			s.close()
			sameTree(t, src, dst, true)
		})
	}
}

// TestDelayUpdatesDryRun: a dry run holds nothing and changes nothing.
func TestDelayUpdatesDryRun(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	writeTree(t, src, delayTree)
	writeTree(t, dst, delayOld)
	cfg := archive()
	cfg.Delete, cfg.DryRun = true, true
	cfg.DelayUpdates, cfg.PartialDir = true, ".~tmp~"
	s := push(t, cfg, 64<<10, dst, src+"/")
	s.pass()
	s.close()
	checkUntouched(t, dst)
	if _, err := os.Stat(filepath.Join(dst, "gone")); err != nil {
		t.Errorf("dry run deleted: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dst, ".~tmp~")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("dry run made .~tmp~: %v", err)
	}
}

// TestDelayUpdatesRemoveSource: with RemoveSource, no source file is
// removed before the renames at the end (the data would then live only
// in .~tmp~), and all are after.
func TestDelayUpdatesRemoveSource(t *testing.T) {
	for _, role := range []string{"pull", "push"} {
		t.Run(role, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			writeTree(t, src, delayTree)
			cfg := archive()
			cfg.RemoveSource = true
			cfg.DelayUpdates, cfg.PartialDir = true, ".~tmp~"
			check := func() {
				for p := range delayTree {
					if _, err := os.Lstat(filepath.Join(src, p)); err != nil {
						t.Errorf("source %s removed before the renames: %v", p, err)
					}
				}
			}
			var mu sync.Mutex
			testHooks.Held = func(string) { mu.Lock(); defer mu.Unlock(); check() }
			testHooks.Unhold = func() { mu.Lock(); defer mu.Unlock(); check() }
			t.Cleanup(func() { testHooks.Held, testHooks.Unhold = nil, nil })
			s := runner(role)(t, cfg, 64<<10, dst, src+"/")
			s.pass()
			s.close()
			for p := range delayTree {
				if _, err := os.Lstat(filepath.Join(src, p)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("source %s not removed: %v", p, err)
				}
			}
		})
	}
}
