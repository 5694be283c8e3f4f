//go:build linux

package fsys

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCreateNew writes new files through unnamed temp files: committed
// (also when the name appeared meanwhile, which is replaced), aborted, or
// kept as partial data (twice, replacing the older partial), by root
// (linking the descriptor) and as if not (linking through /proc). Nothing
// else may be left in the directory.
func TestCreateNew(t *testing.T) {
	for _, asRoot := range []bool{true, false} {
		for _, c := range []struct {
			name    string
			before  string // existing content at the name, "" for none
			finish  func(t *testing.T, tmp *Temp)
			want    string // content at the name afterwards, "" for none
			partial string // content kept as partial data
		}{
			{"commit", "", commit, "new", ""},
			{"commit-over-appeared", "appeared meanwhile", commit, "new", ""},
			{"abort", "", func(t *testing.T, tmp *Temp) { must(t, tmp.Abort()) }, "", ""},
			{"keep-partial", "", func(t *testing.T, tmp *Temp) { must(t, tmp.KeepPartial("")) }, "", "new"},
		} {
			t.Run(map[bool]string{true: "root/", false: "proc/"}[asRoot]+c.name, func(t *testing.T) {
				dir, r := newRoot(t)
				if !asRoot {
					r.euid = 1000
				}
				must(t, r.Mkdir("d", 0o755))
				for range 2 { // the second round finds the first's results
					tmp, err := r.CreateNew("d/f", 0o640)
					must(t, err)
					if !tmp.anon {
						t.Skip("no O_TMPFILE on this filesystem")
					}
					if c.before != "" {
						writeFile(t, filepath.Join(dir, "d/f"), c.before)
					}
					tmp.Write([]byte("new"))
					c.finish(t, tmp)
				}
				b, err := os.ReadFile(filepath.Join(dir, "d/f"))
				if got := string(b); got != c.want || (c.want == "") != os.IsNotExist(err) {
					t.Errorf("d/f = %q, %v; want %q", got, err, c.want)
				}
				if c.want != "" {
					fi, _ := os.Stat(filepath.Join(dir, "d/f"))
					if fi.Mode().Perm() != 0o640 {
						t.Errorf("mode %v, want 0640", fi.Mode())
					}
				}
				ents, _ := os.ReadDir(filepath.Join(dir, "d"))
				for _, e := range ents {
					if e.Name() != "f" && e.Name() != DefaultPartialDir {
						t.Errorf("left behind: %s", e.Name())
					}
				}
				if c.partial != "" {
					b, err := os.ReadFile(filepath.Join(dir, "d", DefaultPartialDir, "f"))
					if string(b) != c.partial {
						t.Errorf("partial = %q, %v; want %q", b, err, c.partial)
					}
				}
			})
		}
	}
}

func commit(t *testing.T, tmp *Temp) {
	t.Helper()
	must(t, tmp.Commit(Meta{Mode: 0o640}, Preserve{Perms: true}))
}
