package role

import (
	"testing"
)

// TestLimitWire checks the encoding of the Run limits both ways.
func TestLimitWire(t *testing.T) {
	for _, tc := range []struct {
		v    int64
		wire uint64
		back int64
	}{{0, 0, 0}, {-1, 1, -1}, {-7, 1, -1}, {1, 2, 1}, {1 << 40, 1<<40 + 1, 1 << 40}} {
		if w := limitToWire(tc.v); w != tc.wire {
			t.Errorf("limitToWire(%d) = %d, want %d", tc.v, w, tc.wire)
		}
		if b := limitFromWire(tc.wire); b != tc.back {
			t.Errorf("limitFromWire(%d) = %d, want %d", tc.wire, b, tc.back)
		}
	}
}
