package tree

import "testing"

// TestChmod checks --chmod against what rsync 3.2.7 produced for a
// directory of mode 6775 and a file of mode 6755 (and 0640).
func TestChmod(t *testing.T) {
	cases := []struct {
		spec          string
		dir, file     uint32
		dirIn, fileIn uint32
	}{
		{"a-s", 0o2775, 0o2755, 0o6775, 0o6755},
		{"g-s", 0o4775, 0o4755, 0o6775, 0o6755},
		{"u-s", 0o2775, 0o2755, 0o6775, 0o6755},
		{"Dg-s", 0o4775, 0o6755, 0o6775, 0o6755},
		{"D0755", 0o755, 0o6755, 0o6775, 0o6755},
		{"D=rx", 0o6555, 0o6755, 0o6775, 0o6755},
		{"Du=rwx,g=rx,o=", 0o6750, 0o6750, 0o6775, 0o6755}, // D is for the first item only
		{"Dug-s", 0o775, 0o6755, 0o6775, 0o6755},
		{"D-s", 0o2775, 0o6755, 0o6775, 0o6755},
		{"Da-st", 0o2775, 0o6755, 0o6775, 0o6755},
		{"Dg+s,ug+w,Fo-w,+X", 0o2775, 0o660, 0o755, 0o640},
		{"D755,F644", 0o755, 0o644, 0o700, 0o4755},
		{"=r", 0o444, 0o4444, 0o755, 0o4755},
		{"go=", 0o700, 0o4700, 0o755, 0o4755},
		{"o+t", 0o1755, 0o1640, 0o755, 0o640},
	}
	for _, c := range cases {
		cm, err := ParseChmod([]string{c.spec})
		if err != nil {
			t.Fatalf("ParseChmod(%q): %v", c.spec, err)
		}
		if got := cm.Apply(c.dirIn, true); got != c.dir {
			t.Errorf("%q on dir %o = %o, want %o", c.spec, c.dirIn, got, c.dir)
		}
		if got := cm.Apply(c.fileIn, false); got != c.file {
			t.Errorf("%q on file %o = %o, want %o", c.spec, c.fileIn, got, c.file)
		}
	}
	for _, bad := range []string{"", "D", "u", "u+q", "8", "07777777", "u+r,", "zz"} {
		if _, err := ParseChmod([]string{bad}); err == nil {
			t.Errorf("ParseChmod(%q) succeeded", bad)
		}
	}
}
