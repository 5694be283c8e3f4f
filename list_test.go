package ferry

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestListOnly lists a source: every entry is reported with its type,
// mode, size and time, and nothing is written anywhere.
func TestListOnly(t *testing.T) {
	src := t.TempDir()
	write(t, src, map[string]string{"a/f": "12345", "b": "x", "l": "->b"})
	when := time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)
	check(t, os.Chtimes(filepath.Join(src, "a/f"), when, when))
	check(t, os.Chmod(filepath.Join(src, "a/f"), 0o640))
	cwd := t.TempDir()
	t.Chdir(cwd)
	var mu sync.Mutex
	got := map[string]Event{}
	o := DefaultOptions()
	o.ListOnly = true
	o.OnEvent = func(ev Event) {
		if ev.Kind == EventListed {
			mu.Lock()
			got[ev.Path] = ev
			mu.Unlock()
		}
	}
	st, err := Sync(t.Context(), src+"/", "", o)
	check(t, err)
	var paths []string
	for p := range got {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	if want := []string{".", "a", "a/f", "b", "l"}; !slices.Equal(paths, want) {
		t.Fatalf("listed %q, want %q", paths, want)
	}
	f := got["a/f"]
	if f.Size != 5 || f.Mode != 0o640 || !f.ModTime.Equal(when) {
		t.Errorf("a/f listed as size %d mode %v time %v", f.Size, f.Mode, f.ModTime)
	}
	if !got["a"].Mode.IsDir() || got["l"].Mode&os.ModeSymlink == 0 || got["l"].LinkTarget != "b" {
		t.Errorf("a: %v, l: %v -> %q", got["a"].Mode, got["l"].Mode, got["l"].LinkTarget)
	}
	if st.Files != 5 || st.FilesTransferred != 0 {
		t.Errorf("stats %+v", st)
	}
	if ents, _ := os.ReadDir(cwd); len(ents) != 0 {
		t.Errorf("listing wrote %d entries in the working directory", len(ents))
	}
}
