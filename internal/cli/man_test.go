package cli

import (
	"bytes"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestManGolden fails when docs/ferry.1 is not what "ferry man" prints;
// go test ./internal/cli -run Man -update regenerates it.
func TestManGolden(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main(t.Context(), []string{"man"}, nil, &stdout, &stderr); code != ExitOK || stderr.Len() != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	checkGoldenFile(t, "../../docs/ferry.1", stdout.String())
}

// TestManContents checks that the page holds every flag of --help, every
// unsupported option, every subcommand and every exit code.
func TestManContents(t *testing.T) {
	var b bytes.Buffer
	writeMan(&b)
	page := b.String()
	want := []string{".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH OPTIONS", ".SH COMMANDS", `.SH "EXIT STATUS"`, ".SH FILES", `.SH "SEE ALSO"`}
	fs := newSyncFlagSet(newSyncOptions())
	for _, g := range helpGroups {
		want = append(want, ".SS "+roffQuote(g.title))
		for _, name := range g.flags {
			f := fs.Lookup(name)
			col := helpFlagColumn(f) // "-v, --verbose", "    --exclude=PATTERN"
			for _, part := range strings.Split(strings.TrimSpace(col), ", ") {
				name, arg, _ := strings.Cut(part, "=")
				want = append(want, `\fB`+roffText(name)+`\fR`)
				if arg != "" {
					want = append(want, `=\fI`+roffText(arg)+`\fR`)
				}
			}
			want = append(want, roffLine(helpUsage(f)))
		}
	}
	for _, n := range unsupportedNames() {
		want = append(want, `\%`+roffText(n))
	}
	for _, sc := range subcommands {
		want = append(want, `.SS "ferry `+sc.name+`"`)
	}
	for _, e := range exitStatuses {
		want = append(want, ".B "+strconv.Itoa(e.code)+"\n"+roffText(e.meaning)+": ")
	}
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("the man page lacks %q", w)
		}
	}
}

// TestManArgs refuses arguments after "man".
func TestManArgs(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main(t.Context(), []string{"man", "x"}, nil, &stdout, &stderr); code != ExitUsage || stdout.Len() != 0 {
		t.Errorf("exit %d, stdout %q", code, stdout.String())
	}
}

// TestManRenders runs groff over the page when it is installed, and fails
// on its warnings.
func TestManRenders(t *testing.T) {
	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Skip("groff is not installed; the page is checked as text only")
	}
	var b bytes.Buffer
	writeMan(&b)
	cmd := exec.CommandContext(t.Context(), groff, "-man", "-Tutf8", "-ww", "-z")
	cmd.Stdin = &b
	out, err := cmd.CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("groff: %v\n%s", err, out)
	}
}

// TestSubcommandsDispatched fails when a subcommand of the table (which
// the man page and the completions show) is not one Main runs: "NAME
// --help" would then print the sync's help.
func TestSubcommandsDispatched(t *testing.T) {
	for _, sc := range subcommands {
		var stdout, stderr bytes.Buffer
		Main(t.Context(), []string{sc.name, "--help"}, nil, &stdout, &stderr)
		if strings.Contains(stdout.String(), "Usage: ferry [OPTIONS] SRC... DEST") {
			t.Errorf("ferry %s --help ran a sync's --help", sc.name)
		}
	}
}
