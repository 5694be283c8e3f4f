package daemon

import (
	"testing"
	"time"
)

// TestRateGuard feeds the guard traffic patterns on a fake clock, one
// event a step, over 60s windows at 128 bytes a second.
func TestRateGuard(t *testing.T) {
	tests := []struct {
		name  string
		step  time.Duration
		n     int  // bytes per event
		read  bool // received (else sent)
		steps int
		slow  bool
	}{
		{"one byte a second", time.Second, 1, true, 130, true},
		{"ten bytes every 100ms", 100 * time.Millisecond, 10, true, 1300, true},
		{"keepalives every 100s", 100 * time.Second, 5, true, 20, false},
		{"keepalives every 10s", 10 * time.Second, 5, true, 40, false},
		{"slow honest link: a segment every 3s", 3 * time.Second, 1448, true, 100, false},
		{"bulk", 10 * time.Millisecond, 64 << 10, true, 20000, false},
		{"peer reads our data slowly", time.Second, 1, false, 130, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Unix(1e9, 0)
			g := newRateGuard(128, time.Minute, func() time.Time { return now })
			slow := false
			for range tc.steps {
				now = now.Add(tc.step)
				if g.add(tc.n, tc.read) {
					slow = true
					break
				}
			}
			if slow != tc.slow {
				t.Errorf("slow = %v, want %v", slow, tc.slow)
			}
		})
	}
	if newRateGuard(0, time.Minute, time.Now) != nil {
		t.Error("min_rate = 0 makes a guard")
	}
}
