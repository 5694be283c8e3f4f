package session

import (
	"testing"

	"github.com/ferrysync/ferry/internal/tree"
)

func TestMTimeCmp(t *testing.T) {
	const s = int64(1e9)
	tests := []struct {
		window int
		a, b   int64
		want   int
	}{
		{-1, 10 * s, 10*s + 1, -1},
		{-1, 10 * s, 10 * s, 0},
		{0, 10 * s, 10*s + 999_999_999, 0},
		{0, 10 * s, 11 * s, -1},
		{0, -1, 0, -1}, // before the epoch: second -1
		{1, 10 * s, 11*s + 5, 0},
		{1, 12 * s, 10 * s, 1},
		{10, 3 * s, 12 * s, 0},
	}
	for _, tc := range tests {
		r := &receiver{peer: &peer{cfg: Config{ModifyWindow: tc.window}}}
		if got := r.mtimeCmp(tc.a, tc.b); got != tc.want {
			t.Errorf("window %d: mtimeCmp(%d, %d) = %d, want %d", tc.window, tc.a, tc.b, got, tc.want)
		}
	}
}

func TestSkipped(t *testing.T) {
	file := func(size int64) *tree.Entry { return &tree.Entry{Path: "f", Type: tree.TypeFile, Size: size} }
	dir := &tree.Entry{Path: "d", Type: tree.TypeDir}
	root := &tree.Entry{Path: ".", Type: tree.TypeDir}
	tests := []struct {
		name  string
		cfg   Config
		s, ex *tree.Entry
		want  bool
	}{
		{"no options", Config{}, file(5), nil, false},
		{"existing, new file", Config{Existing: true}, file(5), nil, true},
		{"existing, new dir", Config{Existing: true}, dir, nil, true},
		{"existing, root", Config{Existing: true}, root, nil, false},
		{"existing, there", Config{Existing: true}, file(5), file(1), false},
		{"max-size over", Config{MaxSize: 4}, file(5), nil, true},
		{"max-size at", Config{MaxSize: 5}, file(5), nil, false},
		{"max-size 0", Config{MaxSize: -1}, file(1), nil, true},
		{"max-size 0, empty", Config{MaxSize: -1}, file(0), nil, false},
		{"max-size, dir", Config{MaxSize: -1}, dir, nil, false},
		{"min-size under", Config{MinSize: 6}, file(5), file(5), true},
		{"min-size at", Config{MinSize: 5}, file(5), nil, false},
	}
	for _, tc := range tests {
		r := &receiver{peer: &peer{cfg: tc.cfg}}
		if got := r.skipped(tc.s, tc.ex); got != tc.want {
			t.Errorf("%s: skipped = %v, want %v", tc.name, got, tc.want)
		}
	}
}
