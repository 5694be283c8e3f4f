package receiver

import (
	"slices"
	"testing"
)

// TestRsyncOrder checks rsync's list order: files before directories
// among the entries of a directory, a directory before its contents.
func TestRsyncOrder(t *testing.T) {
	type e struct {
		p   string
		dir bool
	}
	got := []e{{"x", true}, {"x/y", true}, {"b", false}, {"x/w", false}, {"x/y/z", false}, {"a", true}, {"c", false}, {"a/q", false}}
	slices.SortFunc(got, func(a, b e) int { return rsyncOrder(a.p, a.dir, b.p, b.dir) })
	want := []e{{"b", false}, {"c", false}, {"a", true}, {"a/q", false}, {"x", true}, {"x/w", false}, {"x/y", true}, {"x/y/z", false}}
	if !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}
