package daemon

import (
	"testing"
	"time"
)

func TestWarnLimiter(t *testing.T) {
	var w warnLimiter
	t0 := time.Unix(1e9, 0)
	steps := []struct {
		at   time.Duration
		want int
	}{
		{0, 0}, {100 * time.Millisecond, -1}, {500 * time.Millisecond, -1}, {999 * time.Millisecond, -1},
		{time.Second, 3}, {1500 * time.Millisecond, -1}, {5 * time.Second, 1}, {7 * time.Second, 0},
	}
	for _, s := range steps {
		if got := w.allow(t0.Add(s.at)); got != s.want {
			t.Fatalf("at %s: %d, want %d", s.at, got, s.want)
		}
	}
}
