package tree

import (
	"slices"
	"testing"
)

func TestWalkerOrder(t *testing.T) {
	dir := t.TempDir()
	buildTree(t, dir, "b", "a.c", "a/c", "a/b/", "a/b/z", "a-", "A", "a/b.x/y", "link -> a/c")
	root := openRoot(t, dir)

	tests := []struct {
		name string
		opts WalkOptions
		want []string
	}{
		{"contents", WalkOptions{Recursive: true},
			[]string{".", "A", "a/", "a/b/", "a/b/z", "a/b.x/", "a/b.x/y", "a/c", "a-", "a.c", "b", "link"}},
		{"named root", WalkOptions{Recursive: true, Prefix: "src"},
			[]string{"src/", "src/A", "src/a/", "src/a/b/", "src/a/b/z", "src/a/b.x/", "src/a/b.x/y", "src/a/c", "src/a-", "src/a.c", "src/b", "src/link"}},
		{"start dir contents", WalkOptions{Recursive: true, Start: "a"},
			[]string{".", "b/", "b/z", "b.x/", "b.x/y", "c"}},
		{"start dir named", WalkOptions{Recursive: true, Start: "a", Prefix: "a"},
			[]string{"a/", "a/b/", "a/b/z", "a/b.x/", "a/b.x/y", "a/c"}},
		{"start file named", WalkOptions{Recursive: true, Start: "a/c", Prefix: "c"},
			[]string{"c"}},
		{"start symlink named", WalkOptions{Recursive: true, Start: "link", Prefix: "link"},
			[]string{"link"}},
		{"not recursive contents", WalkOptions{},
			[]string{".", "A", "a/", "a-", "a.c", "b", "link"}},
		{"not recursive named", WalkOptions{Prefix: "x"},
			[]string{"x/"}},
		{"deep prefix", WalkOptions{Recursive: true, Start: "a/b", Prefix: "p/q"},
			[]string{"p/q/", "p/q/z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, errs := walkAll(t, root, tt.opts)
			if len(errs) > 0 {
				t.Errorf("errors for %v", errs)
			}
			got := paths(entries)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			if !slices.IsSortedFunc(got, func(a, b string) int {
				return Compare(a, b)
			}) {
				t.Errorf("not in canonical order: %q", got)
			}
		})
	}
}
