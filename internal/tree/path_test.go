package tree

import (
	"errors"
	"slices"
	"testing"
)

func TestCompare(t *testing.T) {
	// Each path sorts strictly before the next.
	order := []string{".", "A", "a", "a/b", "a/b/c", "a/b-", "a/c", "a-", "a.c", "a\xff", "b", "b/a", "ba", "\xff"}
	for i := range order {
		for j := range order {
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got := Compare(order[i], order[j]); got != want {
				t.Errorf("Compare(%q, %q) = %d, want %d", order[i], order[j], got, want)
			}
		}
	}
	shuffled := slices.Clone(order)
	slices.Reverse(shuffled)
	slices.SortFunc(shuffled, Compare)
	if !slices.Equal(shuffled, order) {
		t.Errorf("sorted %q", shuffled)
	}
}

func TestValidPath(t *testing.T) {
	tests := []struct {
		path string
		ok   bool
	}{
		{".", true},
		{"a", true},
		{"a/b/c", true},
		{"a..b", true},
		{".hidden/..x", true},
		{"a b/ c", true},
		{"", false},
		{"/", false},
		{"/a", false},
		{"a/", false},
		{"a//b", false},
		{"..", false},
		{"a/..", false},
		{"../a", false},
		{"a/../b", false},
		{"./a", false},
		{"a/./b", false},
		{"a\x00b", false},
		{"//", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			err := ValidPath(tt.path)
			if (err == nil) != tt.ok {
				t.Fatalf("ValidPath(%q) = %v, want ok=%v", tt.path, err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalidPath) {
				t.Errorf("error %v does not wrap ErrInvalidPath", err)
			}
		})
	}
}

func TestContainsJoin(t *testing.T) {
	tests := []struct {
		dir, p string
		want   bool
	}{
		{".", "a", true},
		{"a", "a", true},
		{"a", "a/b", true},
		{"a", "ab", false},
		{"a", "a.b/c", false},
		{"a/b", "a", false},
	}
	for _, tt := range tests {
		if got := Contains(tt.dir, tt.p); got != tt.want {
			t.Errorf("Contains(%q, %q) = %v", tt.dir, tt.p, got)
		}
	}
	if Join(".", "x") != "x" || Join("a/b", "x") != "a/b/x" {
		t.Errorf("Join wrong: %q %q", Join(".", "x"), Join("a/b", "x"))
	}
}
