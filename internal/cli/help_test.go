package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func TestHelpGolden(t *testing.T) {
	for _, arg := range []string{"--help", "-h"} {
		t.Run(arg, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Main(t.Context(), []string{arg}, nil, &stdout, &stderr)
			if code != ExitOK || stderr.Len() != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr.String())
			}
			checkGolden(t, "help.golden", stdout.String())
		})
	}
}

// TestHelpListsEveryFlag fails when a visible flag is missing from
// helpGroups, or a group names a flag that does not exist.
func TestHelpListsEveryFlag(t *testing.T) {
	fs := newSyncFlagSet(newSyncOptions())
	listed := map[string]bool{}
	for _, g := range helpGroups {
		for _, name := range g.flags {
			if fs.Lookup(name) == nil {
				t.Errorf("help group %q lists unknown flag %q", g.title, name)
			}
			if listed[name] {
				t.Errorf("flag %q listed twice", name)
			}
			listed[name] = true
		}
	}
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden && !listed[f.Name] {
			t.Errorf("flag --%s is not in --help", f.Name)
		}
	})
	var help bytes.Buffer
	writeHelp(&help)
	for _, u := range unsupportedOptions {
		if !strings.Contains(help.String(), u.name()) {
			t.Errorf("unsupported option %s is not mentioned in --help", u.name())
		}
	}
}
