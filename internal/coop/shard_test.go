package coop

import (
	"errors"
	"testing"
)

// TestOf holds the shard function to the vectors of docs/COOPERATION.md.
func TestOf(t *testing.T) {
	tests := []struct {
		key  string
		n    int
		want int
	}{
		{"a", 4, 0},
		{"d1/f03", 4, 2},
		{".", 4, 1},
		{"a", 1, 0},
	}
	for _, tc := range tests {
		if got := Of(tc.key, tc.n); got != tc.want {
			t.Errorf("Of(%q, %d) = %d, want %d", tc.key, tc.n, got, tc.want)
		}
	}
}

func TestOwns(t *testing.T) {
	sh := Shard{K: 2, N: 4}
	if !sh.Owns("d1/f03", "") || sh.Owns("a", "") {
		t.Error("Owns by path")
	}
	if !sh.Owns("a", "d1/f03") || sh.Owns("d1/f03", "a") {
		t.Error("a hard-link follower goes with its leader")
	}
	if !(Shard{}).Owns("a", "") {
		t.Error("the zero Shard owns everything")
	}
}

func TestParseShard(t *testing.T) {
	tests := []struct {
		in   string
		want Shard
		ok   bool
	}{
		{"0/1", Shard{0, 1}, true},
		{"3/4", Shard{3, 4}, true},
		{"4/4", Shard{}, false},
		{"-1/4", Shard{}, false},
		{"1", Shard{}, false},
		{"1/0", Shard{}, false},
		{"0/65537", Shard{}, false},
		{"a/b", Shard{}, false},
	}
	for _, tc := range tests {
		got, err := ParseShard(tc.in)
		if tc.ok != (err == nil) || got != tc.want {
			t.Errorf("ParseShard(%q) = %v, %v", tc.in, got, err)
		}
		if err != nil && !errors.Is(err, ErrBadShard) {
			t.Errorf("ParseShard(%q): %v is not ErrBadShard", tc.in, err)
		}
	}
}
