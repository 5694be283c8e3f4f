package session

import (
	"testing"
)

func TestSplitRelative(t *testing.T) {
	cases := []struct {
		op, base, rel string
		bad           bool
	}{
		{op: "a/b/c", base: ".", rel: "a/b/c"},
		{op: "a/b/c/", base: ".", rel: "a/b/c"},
		{op: "./a/b", base: ".", rel: "a/b"},
		{op: "/usr/share/doc", base: "/", rel: "usr/share/doc"},
		{op: "/usr/./share/doc/", base: "/usr", rel: "share/doc"},
		{op: "src/./", base: "src", rel: "."},
		{op: "/./etc", base: "/", rel: "etc"},
		{op: "a//b/./c", base: "a//b", rel: "c"},
		{op: "x/./a/./b", base: "x", rel: "a/b"},
		{op: "../up/./a", base: "../up", rel: "a"},
		{op: "../a", bad: true},
		{op: "x/./a/../b", bad: true},
		{op: ".", base: ".", rel: "."},
	}
	for _, c := range cases {
		base, rel, err := SplitRelative(c.op)
		if c.bad {
			if err == nil {
				t.Errorf("SplitRelative(%q) = %q, %q; want an error", c.op, base, rel)
			}
			continue
		}
		if err != nil || base != c.base || rel != c.rel {
			t.Errorf("SplitRelative(%q) = %q, %q, %v; want %q, %q", c.op, base, rel, err, c.base, c.rel)
		}
	}
}
