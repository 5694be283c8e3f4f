package cli

import (
	"bytes"
	"strings"
	"testing"
)

// TestHumanNumbers checks each --human-readable level against figures
// rsync 3.2.7 printed for the same numbers.
func TestHumanNumbers(t *testing.T) {
	tests := []struct {
		name  string
		level numbers
		n     int64
		want  string
	}{
		{"digits", humanDigits, 14000391, "14000391"},
		{"commas", humanCommas, 14000391, "14,000,391"},
		{"1000", human1000, 14000391, "14.00M"},
		{"1000 sent", human1000, 14007471, "14.01M"},
		{"1000 kilo", human1000, 1247, "1.25K"},
		{"1000 below a unit", human1000, 999, "999"},
		{"1000 zero", human1000, 0, "0"},
		{"1000 tera", human1000, 1500000000000, "1.50T"},
		{"1024", human1024, 14000391, "13.35M"},
		{"1024 below a unit has commas", human1024, 1023, "1,023"},
		{"1024 kilo", human1024, 1044, "1.02K"},
		{"1024 tera", human1024, 1500000000000, "1.36T"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.level.size(tt.n); got != tt.want {
				t.Errorf("level %d: size(%d) = %q, want %q", tt.level, tt.n, got, tt.want)
			}
		})
	}
	rates := []struct {
		level numbers
		f     float64
		want  string
	}{
		{humanDigits, 2352, "2352.00"},
		{humanCommas, 2352, "2,352.00"},
		{human1000, 2352, "2.35K"},
		{human1000, 28017428, "28.02M"},
		{human1000, 500, "500.00"},
	}
	for _, r := range rates {
		if got := r.level.rate(r.f); got != r.want {
			t.Errorf("level %d: rate(%v) = %q, want %q", r.level, r.f, got, r.want)
		}
	}
}

// TestHumanReadableFlag checks rsync's rules for -h: --human-readable
// unless it is the only argument (then --help), one level up per -h,
// --no-h back to digits, in command-line order.
func TestHumanReadableFlag(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		help  bool
		level int
	}{
		{"default", []string{"a", "b"}, false, humanCommas},
		{"-h alone is help", []string{"-h"}, true, humanCommas},
		{"--help", []string{"--help"}, true, humanCommas},
		{"-avh", []string{"-avh", "a", "b"}, false, human1000},
		{"-h with operands", []string{"-h", "a", "b"}, false, human1000},
		{"-hh", []string{"-hh", "a", "b"}, false, human1024},
		{"-h -h", []string{"-h", "a", "-h", "b"}, false, human1024},
		{"long", []string{"--human-readable", "a", "b"}, false, human1000},
		{"--no-h", []string{"--no-h", "a", "b"}, false, humanDigits},
		{"--no-human-readable after -h", []string{"-h", "--no-human-readable", "a", "b"}, false, humanDigits},
		{"-h after --no-h", []string{"--no-h", "-h", "a", "b"}, false, humanCommas},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseSync(tt.args, nil)
			if err != nil {
				t.Fatal(err)
			}
			if o.help != tt.help || o.human != tt.level {
				t.Errorf("help %v, level %d; want help %v, level %d", o.help, o.human, tt.help, tt.level)
			}
		})
	}
}

// TestHumanReadableCopies checks that -avh copies (it printed the help and
// exited 0 once) and prints its summary with units.
func TestHumanReadableCopies(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	writeTree(t, src, map[string]string{"big": strings.Repeat("x", 5000), "small": "s"})
	code, stdout, stderr := runMain(t, "-avh", "--stats", src+"/", dst+"/")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	diffSnapshots(t, snapshot(t, dst), snapshot(t, src))
	for _, want := range []string{"Total file size: 5.00K bytes\n", "total size is 5.00K  speedup is"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "Usage:") {
		t.Errorf("-avh printed the help:\n%s", stdout)
	}
	var help bytes.Buffer
	writeHelp(&help)
	if !strings.Contains(help.String(), "-h, --human-readable") {
		t.Errorf("--help does not document -h, --human-readable")
	}
}
