package receiver

import (
	"testing"

	"github.com/ferrysync/ferry/internal/role"

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
		r := &Engine{Peer: &role.Peer{Cfg: role.Config{ModifyWindow: tc.window}}}
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
		cfg   role.Config
		s, ex *tree.Entry
		want  bool
	}{
		{"no options", role.Config{}, file(5), nil, false},
		{"existing, new file", role.Config{Existing: true}, file(5), nil, true},
		{"existing, new dir", role.Config{Existing: true}, dir, nil, true},
		{"existing, root", role.Config{Existing: true}, root, nil, false},
		{"existing, there", role.Config{Existing: true}, file(5), file(1), false},
		{"max-size over", role.Config{MaxSize: 4}, file(5), nil, true},
		{"max-size at", role.Config{MaxSize: 5}, file(5), nil, false},
		{"max-size 0", role.Config{MaxSize: -1}, file(1), nil, true},
		{"max-size 0, empty", role.Config{MaxSize: -1}, file(0), nil, false},
		{"max-size, dir", role.Config{MaxSize: -1}, dir, nil, false},
		{"min-size under", role.Config{MinSize: 6}, file(5), file(5), true},
		{"min-size at", role.Config{MinSize: 5}, file(5), nil, false},
	}
	for _, tc := range tests {
		r := &Engine{Peer: &role.Peer{Cfg: tc.cfg}}
		if got := r.skipped(tc.s, tc.ex); got != tc.want {
			t.Errorf("%s: skipped = %v, want %v", tc.name, got, tc.want)
		}
	}
}
