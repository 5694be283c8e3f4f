//go:build linux

package fsys

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestDirCacheFollowsDirectoryChanges checks that a cached parent
// directory never outlives a change to what its name means: files go to
// the directory that has the name now, whether it was removed and made
// again, renamed away or replaced.
func TestDirCacheFollowsDirectoryChanges(t *testing.T) {
	cases := []struct {
		name   string
		change func(t *testing.T, dir string, r *Root)
	}{
		{"remove-all-and-mkdir", func(t *testing.T, dir string, r *Root) {
			must(t, r.RemoveAll("d"))
			must(t, r.Mkdir("d", 0o755))
		}},
		{"rename-away-and-mkdir", func(t *testing.T, dir string, r *Root) {
			must(t, r.Rename("d", "old"))
			must(t, r.Mkdir("d", 0o755))
		}},
		{"remove-file-then-dir", func(t *testing.T, dir string, r *Root) {
			must(t, r.Remove("d/f0"))
			must(t, r.Remove("d/e/g"))
			must(t, r.Remove("d/e"))
			must(t, r.Remove("d"))
			must(t, r.Mkdir("d", 0o755))
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, r := newRoot(t)
			must(t, r.Mkdir("d", 0o755))
			must(t, r.Mkdir("d/e", 0o755))
			commitFile(t, r, "d/f0", "before", Meta{Mode: 0o644}, Preserve{Perms: true})
			commitFile(t, r, "d/e/g", "before", Meta{Mode: 0o644}, Preserve{Perms: true})
			c.change(t, dir, r)
			commitFile(t, r, "d/f1", "after", Meta{Mode: 0o644}, Preserve{Perms: true})
			got, err := os.ReadFile(filepath.Join(dir, "d", "f1"))
			if err != nil || string(got) != "after" {
				t.Fatalf("d/f1 = %q, %v; want %q in the new directory", got, err, "after")
			}
		})
	}
}

// TestDirCacheManyDirectories writes files across more directories than
// the cache holds, revisiting them, with parents still in use while
// others are evicted, and checks every file landed and no descriptor
// leaked.
func TestDirCacheManyDirectories(t *testing.T) {
	dir, r := newRoot(t)
	before := openFds(t)
	const ndirs = 3 * dirCacheSize
	var open []*Temp
	for round := range 3 {
		for d := range ndirs {
			name := fmt.Sprintf("d%d", d)
			if round == 0 {
				must(t, r.Mkdir(name, 0o755))
			}
			tmp, err := r.CreateTemp(fmt.Sprintf("%s/f%d", name, round))
			must(t, err)
			tmp.Write([]byte(name))
			open = append(open, tmp) // keep the parent in use
		}
		for _, tmp := range open {
			must(t, tmp.Commit(Meta{Mode: 0o644}, Preserve{Perms: true}))
		}
		open = open[:0]
	}
	for d := range ndirs {
		for round := range 3 {
			p := filepath.Join(dir, fmt.Sprintf("d%d/f%d", d, round))
			if b, err := os.ReadFile(p); err != nil || string(b) != fmt.Sprintf("d%d", d) {
				t.Errorf("%s = %q, %v", p, b, err)
			}
		}
	}
	r.dirs.clear()
	if after := openFds(t); after != before {
		t.Errorf("%d descriptors open after, %d before", after, before)
	}
}

func openFds(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
