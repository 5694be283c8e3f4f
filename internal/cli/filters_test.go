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
	merge := filepath.Join(dir, "rules")
	if err := os.WriteFile(merge, []byte("- *.o\n# comment\n+ keep.o\n:n- .ignore\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".cvsignore"), []byte("fromhome\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	t.Setenv("CVSIGNORE", "fromenv also")
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
		{name: "-F", args: []string{"--exclude=a", "-F", "--exclude=b"},
			want: []string{"- a", "dir-merge /.rsync-filter", "- b"}},
		{name: "-FF", args: []string{"-FF", "-F"}, want: []string{"dir-merge /.rsync-filter", "- .rsync-filter"}},
		{name: "-C after the other rules", args: []string{"-C", "--exclude=a"},
			want: []string{"- a", "-C", "- fromhome", "- fromenv", "- also", ":C"}},
		{name: "merge file read here", args: []string{"--filter=merge " + merge, "--exclude=z"},
			want: []string{"- *.o", "+ keep.o", ":-n .ignore", "- z"}},
		{name: "merge file excluding itself", args: []string{"--filter=.e " + merge},
			want: []string{"- rules", "- *.o", "+ keep.o", ":-n .ignore"}},
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
