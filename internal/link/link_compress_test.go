package link

import (
	"testing"
)

func TestCompressionSkips(t *testing.T) {
	z, err := newCompression(0, DefaultSkipCompress)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{
		"a.zip": true, "dir/B.JPG": true, "x.tar.gz": true, "archive.tgz": true, "z": false,
		"notes.txt": false, "zip": false, "a.zip.txt": false, "dir.gz/file": false, ".gz": true,
	} {
		if got := z.skips(name); got != want {
			t.Errorf("skips(%q) = %v, want %v", name, got, want)
		}
	}
	z.configure(0, []string{"TXT"})
	if !z.skips("notes.txt") || z.skips("a.zip") {
		t.Error("configure did not replace the skip list")
	}
}

func TestRatioGate(t *testing.T) {
	cases := []struct {
		name    string
		in, out []int
		off     bool
	}{
		{"good", []int{100, 100}, []int{30, 30}, false},
		{"poor", []int{100, 100}, []int{95, 95}, true},
		{"one-try", []int{100}, []int{100}, false},
		{"mixed", []int{100, 100}, []int{70, 100}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var st zstate
			for i := range tc.in {
				st.record(tc.in[i], tc.out[i])
			}
			if st.off != tc.off {
				t.Errorf("off = %v, want %v", st.off, tc.off)
			}
		})
	}
}
