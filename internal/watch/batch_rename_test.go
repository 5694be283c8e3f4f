package watch

import (
	"slices"
	"testing"
)

// TestBatcherRenames: renames are kept in order, paths changed before a
// rename follow it to the new name, and what was created in the batch
// is a new path under its last name, never a rename.
func TestBatcherRenames(t *testing.T) {
	ch := func(p string) Change { return Change{Path: p} }
	mv := func(from, to string) Change { return Change{Path: to, From: from} }
	mvDir := func(from, to string) Change { return Change{Path: to, From: from, Dir: true} }
	created := func(p string) Change { return Change{Path: p, Created: true} }
	for _, tt := range []struct {
		name        string
		in          []Change
		wantPaths   []string
		wantRenames []Rename
	}{
		{"a file", []Change{mv("a", "b")}, []string{}, []Rename{{"a", "b", false}}},
		{"a directory", []Change{mvDir("d", "e")}, []string{}, []Rename{{"d", "e", true}}},
		{"written, then renamed", []Change{ch("a"), mv("a", "b")}, []string{"b"}, []Rename{{"a", "b", false}}},
		{"changed inside, then the directory renamed", []Change{ch("d/x"), mvDir("d", "e")}, []string{"e/x"}, []Rename{{"d", "e", true}}},
		{"onto a changed file", []Change{ch("b"), mv("a", "b")}, []string{}, []Rename{{"a", "b", false}}},
		{"a chain", []Change{mv("a", "b"), mv("b", "c")}, []string{}, []Rename{{"a", "b", false}, {"b", "c", false}}},
		{"a swap through a temp name", []Change{mv("a", "t"), mv("b", "a"), mv("t", "b")}, []string{},
			[]Rename{{"a", "t", false}, {"b", "a", false}, {"t", "b", false}}},
		{"created then renamed (an editor's save)", []Change{created(".a.swp"), ch(".a.swp"), mv(".a.swp", "a")}, []string{"a"}, nil},
		{"inside a created directory", []Change{created("n"), mv("n/f", "g")}, []string{"g", "n"}, nil},
		{"created again after the rename", []Change{mv("a", "b"), created("a")}, []string{"a"}, []Rename{{"a", "b", false}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b batcher
			for _, c := range tt.in {
				b.add(c)
			}
			got := b.take()
			if !slices.Equal(got.Paths, tt.wantPaths) || !slices.Equal(got.Renames, tt.wantRenames) {
				t.Errorf("batch paths %q renames %v, want %q %v", got.Paths, got.Renames, tt.wantPaths, tt.wantRenames)
			}
		})
	}
}
