package peertest

import "testing"

func TestAtLeast(t *testing.T) {
	for _, c := range []struct {
		v, min [3]int
		want   bool
	}{
		{[3]int{3, 5, 0}, [3]int{3, 5, 0}, true},
		{[3]int{3, 2, 7}, [3]int{3, 5, 0}, false},
		{[3]int{3, 10, 0}, [3]int{3, 5, 0}, true},
		{[3]int{4, 0, 0}, [3]int{3, 5, 1}, true},
		{[3]int{3, 5, 0}, [3]int{3, 5, 1}, false},
	} {
		if got := AtLeast(c.v, c.min); got != c.want {
			t.Errorf("AtLeast(%v, %v) = %v", c.v, c.min, got)
		}
	}
}
