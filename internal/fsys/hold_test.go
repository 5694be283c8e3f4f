//go:build linux

package fsys

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestHold commits files held in a partial directory, checks that the
// destination names are untouched until Unhold, then that Unhold puts
// them in place and RemoveHoldDir removes the emptied directory.
func TestHold(t *testing.T) {
	for _, tdirCase := range []string{"beside", "temp dir"} {
		t.Run(tdirCase, func(t *testing.T) {
			dest, r := newRoot(t)
			if tdirCase == "temp dir" {
				td, err := Open(t.TempDir())
				if err != nil {
					t.Fatal(err)
				}
				defer td.Close()
				r.SetTempDir(td)
			}
			os.Mkdir(filepath.Join(dest, "d"), 0o755)
			os.WriteFile(filepath.Join(dest, "d/old"), []byte("old"), 0o644)
			for _, name := range []string{"d/old", "d/new"} {
				var tmp *Temp
				var err error
				if name == "d/new" {
					tmp, err = r.CreateNew(name, 0o644)
				} else {
					tmp, err = r.CreateTempPerm(name, 0o644)
				}
				if err != nil {
					t.Fatal(err)
				}
				tmp.Write([]byte("data of " + name))
				if err := tmp.CommitHeld(Meta{Mode: 0o644}, Preserve{}, ".~tmp~"); err != nil {
					t.Fatal(err)
				}
			}
			if b, _ := os.ReadFile(filepath.Join(dest, "d/old")); string(b) != "old" {
				t.Fatalf("d/old = %q before Unhold", b)
			}
			if _, err := os.Lstat(filepath.Join(dest, "d/new")); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("d/new exists before Unhold: %v", err)
			}
			if ok, err := r.RemoveHoldDir("d", ".~tmp~"); ok || err != nil {
				t.Fatalf("RemoveHoldDir of a full dir = %v, %v", ok, err)
			}
			for _, name := range []string{"d/old", "d/new"} {
				if err := r.Unhold(name, ".~tmp~"); err != nil {
					t.Fatal(err)
				}
				if b, _ := os.ReadFile(filepath.Join(dest, name)); string(b) != "data of "+name {
					t.Errorf("%s = %q", name, b)
				}
			}
			if err := r.Unhold("d/old", ".~tmp~"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("second Unhold = %v, want not exist", err)
			}
			if ok, err := r.RemoveHoldDir("d", ".~tmp~"); !ok || err != nil {
				t.Fatalf("RemoveHoldDir = %v, %v", ok, err)
			}
			if ents, _ := os.ReadDir(filepath.Join(dest, "d")); len(ents) != 2 {
				t.Errorf("d holds %v", ents)
			}
		})
	}
}
