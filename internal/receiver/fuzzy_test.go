package receiver

import "testing"

func TestNameDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"backup-2026-12-01.tar", "backup-2026-12-02.tar", 1},
		{"a", "a", 0},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
		{"report.pdf", "report.doc", 3 + 8}, // another suffix counts double
	}
	for _, c := range cases {
		if got := nameDistance(c.a, c.b); got != c.want {
			t.Errorf("nameDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
