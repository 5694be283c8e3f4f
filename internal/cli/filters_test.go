package cli

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

const patternFile = "# a comment\n*.o\r\n\n; another comment\n+ keep.o\n  indented\n!\nlast-no-newline"

func TestFromFiles(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "pats")
	if err := os.WriteFile(file, []byte(patternFile), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  []string
	}{
		{name: "exclude-from file", args: []string{"--exclude-from", file},
			want: []string{"- *.o", "+ keep.o", "-   indented", "!", "- last-no-newline"}},
		{name: "include-from file", args: []string{"--include-from=" + file},
			want: []string{"+ *.o", "+ keep.o", "+   indented", "!", "+ last-no-newline"}},
		{name: "exclude-from stdin between other rules", args: []string{"--include=a", "--exclude-from=-", "--exclude=z"},
			stdin: "x\n#c\ny\n", want: []string{"+ a", "- x", "- y", "- z"}},
		{name: "empty file", args: []string{"--exclude-from=-"}, stdin: "", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(tt.args, "src", "dst")
			o, err := parseSync(args, iotest.OneByteReader(strings.NewReader(tt.stdin)))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(o.sync.Filters, tt.want) {
				t.Errorf("filters\n got %q\nwant %q", o.sync.Filters, tt.want)
			}
		})
	}
}

func TestScanPatternsLongLine(t *testing.T) {
	long := strings.Repeat("x", 100_000)
	pats, err := scanPatterns(iotest.OneByteReader(strings.NewReader("a\n" + long + "\nb")))
	if err != nil {
		t.Fatal(err)
	}
	if len(pats) != 3 || pats[1] != long {
		t.Errorf("got %d patterns, want 3 with the long one intact", len(pats))
	}
}

func TestScanPatternsReadError(t *testing.T) {
	_, err := scanPatterns(iotest.ErrReader(os.ErrPermission))
	if err == nil {
		t.Fatal("want the read error")
	}
}
