package cli

import (
	"bytes"
	"fmt"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/session"
)

func TestVersion(t *testing.T) {
	for _, arg := range []string{"--version", "-V"} {
		t.Run(arg, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := Main(t.Context(), []string{arg}, nil, &stdout, &stderr); code != ExitOK || stderr.Len() != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr.String())
			}
			out := stdout.String()
			first, _, _ := strings.Cut(out, "\n")
			want := fmt.Sprintf("ferry %s protocol %d", release, session.ProtocolVersion)
			if first != want || !regexp.MustCompile(`^ferry \S+ protocol [0-9]+$`).MatchString(first) {
				t.Errorf("first line %q, want %q", first, want)
			}
			for _, c := range session.Capabilities() {
				if !strings.Contains(out, c.Name) {
					t.Errorf("--version does not list capability %q:\n%s", c.Name, out)
				}
			}
			for _, f := range features() {
				if !strings.Contains(out, f.name) {
					t.Errorf("--version does not list feature %q:\n%s", f.name, out)
				}
			}
		})
	}
}

func TestVersionRevision(t *testing.T) {
	tests := []struct {
		name     string
		settings []debug.BuildSetting
		want     string // in the "built:" line; "" for no revision
	}{
		{"none", nil, ""},
		{"clean", []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "false"}}, "revision 0123456789ab, "},
		{"dirty", []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}, "revision 0123456789ab+dirty, "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			writeVersionInfo(&b, &debug.BuildInfo{Settings: tt.settings})
			lines := strings.Split(b.String(), "\n")
			if len(lines) < 2 || !strings.HasPrefix(lines[1], "built: ") {
				t.Fatalf("no built: line in %q", b.String())
			}
			has := strings.Contains(lines[1], "revision")
			if tt.want == "" && has || tt.want != "" && !strings.HasPrefix(lines[1], "built: "+tt.want) {
				t.Errorf("built line %q, want revision %q", lines[1], tt.want)
			}
		})
	}
}
