package transport

import (
	"os/exec"
	"testing"
)

func TestShellQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain/path-1.txt", "plain/path-1.txt"},
		{"", "''"},
		{"with space", "'with space'"},
		{"it's", `'it'\''s'`},
		{"$HOME", "'$HOME'"},
		{"semi;colon", "'semi;colon'"},
		{"star*", "'star*'"},
		{"new\nline", "'new\nline'"},
		{"~user", "'~user'"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got := ShellQuote(tc.in)
			if got != tc.want {
				t.Fatalf("ShellQuote(%q) = %q, want %q", tc.in, got, tc.want)
			}
			out, err := exec.Command("sh", "-c", "printf %s "+got).Output()
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.in {
				t.Errorf("sh read %q back as %q", got, out)
			}
		})
	}
}
