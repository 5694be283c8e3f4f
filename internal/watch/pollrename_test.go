package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestDiffScans: what the poll backend reports between two scans of a
// tree: renames (same inode, type, size and time; the old name gone) as
// renames, directories with what is under them, and every other change
// by path.
func TestDiffScans(t *testing.T) {
	tests := []struct {
		name string
		do   func(p func(string) string) error
		want []string // "path", "path+" (created), "old->new"
	}{
		{"nothing", func(func(string) string) error { return nil }, nil},
		{"a file renamed", func(p func(string) string) error { return os.Rename(p("a"), p("a2")) }, []string{"a->a2"}},
		{"a directory moved into another", func(p func(string) string) error { return os.Rename(p("d"), p("e/d2")) },
			[]string{"d->e/d2"}},
		{"onto an existing file", func(p func(string) string) error { return os.Rename(p("a"), p("b")) }, []string{"a->b"}},
		{"renamed and changed: not a rename", func(p func(string) string) error {
			if err := os.Rename(p("a"), p("a2")); err != nil {
				return err
			}
			return os.WriteFile(p("a2"), []byte("longer now"), 0o644)
		}, []string{"a2+", "a"}},
		{"moved, then changed inside", func(p func(string) string) error {
			if err := os.Rename(p("d"), p("d2")); err != nil {
				return err
			}
			return os.WriteFile(p("d2/x"), []byte("other"), 0o644)
		}, []string{"d->d2", "d2/x"}},
		{"made, written, removed", func(p func(string) string) error {
			if err := os.WriteFile(p("new"), nil, 0o644); err != nil {
				return err
			}
			if err := os.WriteFile(p("b"), []byte("bb"), 0o644); err != nil {
				return err
			}
			return os.Remove(p("d/y"))
		}, []string{"new+", "b", "d/y"}},
		{"a directory's mode", func(p func(string) string) error { return os.Chmod(p("d"), 0o700) }, []string{"d"}},
		{"a copy is no rename", func(p func(string) string) error {
			if err := os.WriteFile(p("a3"), []byte("a"), 0o644); err != nil {
				return err
			}
			return os.Remove(p("a"))
		}, []string{"a3+", "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			p := func(rel string) string { return filepath.Join(root, rel) }
			must(t, os.MkdirAll(p("d"), 0o755))
			must(t, os.MkdirAll(p("e"), 0o755))
			for _, f := range []string{"a", "b", "d/x", "d/y"} {
				must(t, os.WriteFile(p(f), []byte(f), 0o644))
			}
			before := scanned(root)
			must(t, tt.do(p))
			var got []string
			for _, c := range diffScans(before, scanned(root)) {
				switch {
				case c.From != "":
					got = append(got, c.From+"->"+c.Path)
				case c.Created:
					got = append(got, c.Path+"+")
				default:
					got = append(got, c.Path)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("changes %q, want %q", got, tt.want)
			}
		})
	}
}

// TestDiffScansLarge: a directory of 1,000 files moved is one rename.
func TestDiffScansLarge(t *testing.T) {
	root := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(root, "big"), 0o755))
	for i := range 1000 {
		must(t, os.WriteFile(filepath.Join(root, "big", fmt.Sprint(i)), []byte(fmt.Sprint(i)), 0o644))
	}
	before := scanned(root)
	must(t, os.Rename(filepath.Join(root, "big"), filepath.Join(root, "moved")))
	got := diffScans(before, scanned(root))
	if len(got) != 1 || got[0].From != "big" || got[0].Path != "moved" || !got[0].Dir {
		t.Errorf("changes %+v, want the rename big -> moved alone", got)
	}
}

// scanned is a scan of root with no scan before it.
func scanned(root string) snapshot {
	s, _ := scan(root, nil)
	return s
}
