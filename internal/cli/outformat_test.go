package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ferrysync/ferry"
)

func TestOutFormat(t *testing.T) {
	now := time.Date(2026, 12, 3, 4, 5, 6, 0, time.Local)
	file := ferry.Event{Kind: ferry.EventFileDone, Path: "a/b.txt", Itemize: ">f+++++++++", Size: 1234567}
	link := ferry.Event{Kind: ferry.EventFileDone, Path: "l", Itemize: "cL+++++++++", LinkTarget: "t"}
	del := ferry.Event{Kind: ferry.EventDelete, Path: "old"}
	cases := []struct {
		format string
		ev     ferry.Event
		want   string
	}{
		{"%o %i %n%L", file, "send >f+++++++++ a/b.txt"},
		{"%-10n|%l|%'l|%8b", file, "a/b.txt   |1234567|1,234,567| 1234567"},
		{"%n%L", link, "l -> t"},
		{"%o %i %n", del, "del. *deleting   old"},
		{"%t %f 100%%", file, "2026/12/03 04:05:06 a/b.txt 100%"},
	}
	for _, c := range cases {
		f, err := parseOutFormat("--out-format", c.format)
		if err != nil {
			t.Fatalf("%q: %v", c.format, err)
		}
		if got := f.format(c.ev, now); got != c.want {
			t.Errorf("%q = %q, want %q", c.format, got, c.want)
		}
	}
	for _, bad := range []string{"%", "%U", "%-5G", "abc%"} {
		if _, err := parseOutFormat("--out-format", bad); err == nil || !strings.Contains(err.Error(), "--out-format") {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}

func TestInfoDebug(t *testing.T) {
	cases := []struct {
		args    []string
		bad     string
		verbose int
		stats   bool
		prog    bool
	}{
		{args: []string{"--info=progress2"}, prog: true},
		{args: []string{"--info=stats2,name"}, stats: true, verbose: 1},
		{args: []string{"-v", "--info=name0"}},
		{args: []string{"--info=ALL", "--info=NONE"}},
		{args: []string{"--info=flist2"}, bad: "--info=flist2 is not supported"},
		{args: []string{"--debug=NONE"}},
		{args: []string{"--debug=FILTER"}, bad: "--debug=FILTER is not supported"},
	}
	for _, c := range cases {
		o, err := parseSync(append(c.args, "a/", "b/"), strings.NewReader(""))
		if c.bad != "" {
			if err == nil || !strings.Contains(err.Error(), c.bad) {
				t.Errorf("%q: err = %v, want %q", c.args, err, c.bad)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", c.args, err)
		}
		if o.verbose != c.verbose || o.stats != c.stats || o.progress != c.prog {
			t.Errorf("%q: verbose %d stats %v progress %v", c.args, o.verbose, o.stats, o.progress)
		}
	}
}

// TestLogFile runs a copy with --log-file and checks rsync's line shape:
// date, time, [pid], the --log-file-format line, then the totals.
func TestLogFile(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "f"), []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(t.TempDir(), "ferry.log")
	var stdout, stderr bytes.Buffer
	if code := Main(t.Context(), []string{"--log-file=" + log, "--log-file-format=%o %n %l", src + "/", dst + "/"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	line := regexp.MustCompile(`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[\d+\] `)
	for _, l := range lines {
		if !line.MatchString(l) {
			t.Errorf("line %q lacks the date, time and pid", l)
		}
	}
	if !strings.Contains(string(b), "] send f 4\n") || !strings.Contains(lines[len(lines)-1], "total size 4") {
		t.Errorf("log:\n%s", b)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout: %q", stdout.String())
	}
}
