package peertest

import (
	"testing"
)

// recorder is a testing.TB that records how Need ended the test.
type recorder struct {
	testing.TB
	fatal, skip bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Fatalf(string, ...any) { r.fatal = true }
func (r *recorder) Skipf(string, ...any)  { r.skip = true }

func TestNeed(t *testing.T) {
	if p := Need(t, "sh", "dash"); p == "" {
		t.Fatal("Need(sh) returned no path")
	}
	for _, tc := range []struct {
		ci          string
		fatal, skip bool
	}{
		{"true", true, false},
		{"", false, true},
	} {
		t.Run("CI="+tc.ci, func(t *testing.T) {
			t.Setenv("CI", tc.ci)
			r := &recorder{TB: t}
			Need(r, "ferry-no-such-program", "none")
			if r.fatal != tc.fatal || r.skip != tc.skip {
				t.Errorf("missing program with CI=%q: fatal %v skip %v, want fatal %v skip %v", tc.ci, r.fatal, r.skip, tc.fatal, tc.skip)
			}
		})
	}
}
