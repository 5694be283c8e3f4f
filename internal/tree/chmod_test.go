package tree

import "testing"

// TestChmodRefused: specs rsync refuses are refused (TestChmodMatchesRsync
// checks more against the real rsync), and "u+r-w" is ferry's extension.
func TestChmodRefused(t *testing.T) {
	for _, bad := range []string{"", "D", "u", "u+q", "8", "07777777", "u+r,", "zz", "DF+x", "g=us", "u7"} {
		if _, err := parseChmod([]string{bad}, 0o22); err == nil {
			t.Errorf("ParseChmod(%q) succeeded", bad)
		}
	}
	cm, err := parseChmod([]string{"u+r-w"}, 0o22)
	if err != nil {
		t.Fatal(err)
	}
	if got := cm.Apply(0o200, false); got != 0o400 {
		t.Errorf("u+r-w on 0200: %04o, want 0400", got)
	}
}
