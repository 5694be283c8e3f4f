package tree

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

func TestFilterMatch(t *testing.T) {
	type probe struct {
		path     string
		dir      bool
		excluded bool
	}
	tests := []struct {
		name   string
		rules  []string
		probes []probe
	}{
		{"suffix glob", []string{"- *.o"}, []probe{
			{"a.o", false, true}, {"x/y/a.o", false, true}, {"a.c", false, false}, {"a.o/b", false, false}, {".o", false, true},
		}},
		{"anchored", []string{"- /foo"}, []probe{
			{"foo", false, true}, {"foo", true, true}, {"x/foo", false, false}, {"foo/bar", false, false},
		}},
		{"dir only", []string{"- foo/"}, []probe{
			{"foo", true, true}, {"foo", false, false}, {"x/foo", true, true},
		}},
		{"inner slash unanchored", []string{"- foo/*/bar"}, []probe{
			{"foo/x/bar", false, true}, {"a/foo/x/bar", false, true}, {"foo/bar", false, false},
			{"foo/x/y/bar", false, false}, {"xfoo/x/bar", false, false},
		}},
		{"double star", []string{"- /foo/**/bar"}, []probe{
			{"foo/x/bar", false, true}, {"foo/x/y/bar", false, true}, {"foo/bar", false, false}, {"a/foo/x/bar", false, false},
		}},
		{"literal with slash", []string{"- a/b"}, []probe{
			{"a/b", false, true}, {"x/a/b", false, true}, {"xa/b", false, false}, {"a/b/c", false, false},
		}},
		{"literal anchored with slash", []string{"- /a/b"}, []probe{
			{"a/b", false, true}, {"x/a/b", false, false},
		}},
		{"include c only", []string{"+ */", "+ *.c", "- *"}, []probe{
			{"d", true, false}, {"d/x.c", false, false}, {"d/x.h", false, true}, {"x.c", true, false},
		}},
		{"first match wins", []string{"+ foo/", "+ foo/bar.c", "- *"}, []probe{
			{"foo", true, false}, {"foo/bar.c", false, false}, {"foo/baz.c", false, true}, {"foo", false, true},
		}},
		{"triple star", []string{"+ /dir/***", "- *"}, []probe{
			{"dir", true, false}, {"dir/a", false, false}, {"dir/a/b", false, false}, {"dir", false, true}, {"dirx", true, true},
		}},
		{"unanchored triple star", []string{"- dir/***"}, []probe{
			{"dir", true, true}, {"x/dir", true, true}, {"x/dir/y/z", false, true}, {"x/dirx", true, false},
		}},
		{"leading double star", []string{"- **/tmp"}, []probe{
			{"tmp", false, true}, {"a/tmp", false, true}, {"a/b/tmp", true, true}, {"atmp", false, false},
		}},
		{"double star no slash", []string{"- a**z"}, []probe{
			{"az", false, true}, {"a/z", false, true}, {"x/a/y/z", false, true}, {"xa/z", false, false},
		}},
		{"trailing double star", []string{"- foo/**"}, []probe{
			{"foo/a", false, true}, {"x/foo/a/b", false, true}, {"foo", true, false},
		}},
		{"question mark", []string{"- ?.txt"}, []probe{
			{"a.txt", false, true}, {"ab.txt", false, false}, {"d/a.txt", false, true},
		}},
		{"classes", []string{"- [a-c]*", "- [!x-z0-9]", "- [[:upper:]]"}, []probe{
			{"b1", false, true}, {"d", false, true}, {"x", false, false}, {"5", false, false}, {"Q", false, true}, {"dd", false, false},
		}},
		{"class with bracket", []string{"- []]x", "- [^a]y"}, []probe{
			{"]x", false, true}, {"ay", false, false}, {"by", false, true},
		}},
		{"escape", []string{`- \*x*`}, []probe{
			{"*xa", false, true}, {"axa", false, false},
		}},
		{"backslash literal without wildcard", []string{`- a\b`}, []probe{
			{`a\b`, false, true}, {"ab", false, false},
		}},
		{"negate", []string{"-! */"}, []probe{
			{"d", true, false}, {"f", false, true}, {"d/f", false, true},
		}},
		{"negate include", []string{"+! *.c", "- *"}, []probe{
			{"a.h", false, false}, {"a.c", false, true},
		}},
		{"clear", []string{"- *", "!", "- *.o"}, []probe{
			{"a", false, false}, {"a.o", false, true},
		}},
		{"star does not cross slash", []string{"- /a*"}, []probe{
			{"ab", false, true}, {"a/b", false, false},
		}},
		{"star inside anchored path", []string{"- /src/*.o"}, []probe{
			{"src/x.o", false, true}, {"src/d/x.o", false, false}, {"x/src/x.o", false, false},
		}},
		{"trailing space is pattern", []string{"- foo "}, []probe{
			{"foo", false, false}, {"foo ", false, true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFilter(tt.rules)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range tt.probes {
				if got := f.Match(p.path, p.dir); got != p.excluded {
					t.Errorf("Match(%q, dir=%v) = %v, want %v", p.path, p.dir, got, p.excluded)
				}
			}
			if f.Match(".", true) {
				t.Errorf("root excluded")
			}
		})
	}
	var nilFilter *Filter
	if nilFilter.Match("a", false) {
		t.Errorf("nil filter excludes")
	}
}

func TestParseRule(t *testing.T) {
	tests := []struct {
		in   string
		want Rule
		err  error
	}{
		{"- *.o", Rule{Action: Exclude, Pattern: "*.o"}, nil},
		{"+ foo/", Rule{Action: Include, Pattern: "foo/"}, nil},
		{"-_*.o", Rule{Action: Exclude, Pattern: "*.o"}, nil},
		{"-  two", Rule{Action: Exclude, Pattern: " two"}, nil},
		{"exclude *.o", Rule{Action: Exclude, Pattern: "*.o"}, nil},
		{"include_x", Rule{Action: Include, Pattern: "x"}, nil},
		{"-! */", Rule{Action: Exclude, Pattern: "*/", Negate: true}, nil},
		{"-,! */", Rule{Action: Exclude, Pattern: "*/", Negate: true}, nil},
		{"exclude,! x", Rule{Action: Exclude, Pattern: "x", Negate: true}, nil},
		{"!", Rule{Action: Clear}, nil},
		{"clear", Rule{Action: Clear}, nil},
		{"", Rule{}, ErrBadRule},
		{"-", Rule{}, ErrBadRule},
		{"- ", Rule{}, ErrBadRule},
		{"-foo", Rule{}, ErrBadRule},
		{"x foo", Rule{}, ErrBadRule},
		{"excludes foo", Rule{}, ErrBadRule},
		{"! x", Rule{}, ErrBadRule},
		{"-/ /etc/passwd", Rule{}, ErrUnsupportedRule},
		{"-x foo", Rule{}, ErrUnsupportedRule},
		{"-s foo", Rule{Action: Exclude, Pattern: "foo", Sides: SideSender}, nil},
		{"+r foo", Rule{Action: Include, Pattern: "foo", Sides: SideReceiver}, nil},
		{"-sr foo", Rule{Action: Exclude, Pattern: "foo"}, nil},
		{"-p foo", Rule{Action: Exclude, Pattern: "foo", Perishable: true}, nil},
		{"-C", Rule{Action: Exclude, CVS: true}, nil},
		{"-C foo", Rule{}, ErrBadRule},
		{"+C", Rule{}, ErrBadRule},
		{". /etc/rules", Rule{Action: Merge, Pattern: "/etc/rules"}, nil},
		{"merge /etc/rules", Rule{Action: Merge, Pattern: "/etc/rules"}, nil},
		{".! x", Rule{}, ErrBadRule},
		{": .rsync-filter", Rule{Action: DirMerge, Pattern: ".rsync-filter"}, nil},
		{"dir-merge .rules", Rule{Action: DirMerge, Pattern: ".rules"}, nil},
		{"dir-merge,ne- .rules", Rule{Action: DirMerge, Pattern: ".rules", Merge: MergeNoInherit | MergeExcludeSelf | MergeExclude}, nil},
		{":w+s .x", Rule{Action: DirMerge, Pattern: ".x", Merge: MergeWordSplit | MergeInclude, Sides: SideSender}, nil},
		{":-+ .x", Rule{}, ErrBadRule},
		{":C", Rule{Action: DirMerge, Pattern: ".cvsignore", Merge: MergeCVS}, nil},
		{":", Rule{}, ErrBadRule},
		{"-n foo", Rule{}, ErrBadRule},
		{"P foo", Rule{Action: Exclude, Pattern: "foo", Sides: SideReceiver}, nil},
		{"protect foo", Rule{Action: Exclude, Pattern: "foo", Sides: SideReceiver}, nil},
		{"R foo", Rule{Action: Include, Pattern: "foo", Sides: SideReceiver}, nil},
		{"risk,! foo", Rule{Action: Include, Pattern: "foo", Sides: SideReceiver, Negate: true}, nil},
		{"hide foo", Rule{Action: Exclude, Pattern: "foo", Sides: SideSender}, nil},
		{"S foo", Rule{Action: Include, Pattern: "foo", Sides: SideSender}, nil},
		{"show_foo", Rule{Action: Include, Pattern: "foo", Sides: SideSender}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRule(tt.in)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("ParseRule(%q) = %v, %v; want error %v", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseRule(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
			// String gives back a rule that parses to the same.
			again, err := ParseRule(got.String())
			if err != nil || again != got {
				t.Errorf("round trip of %q: %+v, %v", got.String(), again, err)
			}
		})
	}
}

func TestReadPatterns(t *testing.T) {
	in := "# comment\n; other\n\n*.o\r\n+ keep.o\n- drop\n!\nlast \rtail"
	want := []Rule{
		{Action: Exclude, Pattern: "*.o"},
		{Action: Include, Pattern: "keep.o"},
		{Action: Exclude, Pattern: "drop"},
		{Action: Clear},
		{Action: Exclude, Pattern: "last "},
		{Action: Exclude, Pattern: "tail"},
	}
	for _, name := range []string{"whole", "onebyte"} {
		t.Run(name, func(t *testing.T) {
			var r = strings.NewReader(in)
			got, err := ReadPatterns(r, Exclude)
			if name == "onebyte" {
				got, err = ReadPatterns(iotest.OneByteReader(strings.NewReader(in)), Exclude)
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("got %+v", got)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("rule %d = %+v, want %+v", i, got[i], want[i])
				}
			}
		})
	}
	inc, err := ReadPatterns(strings.NewReader("x\n"), Include)
	if err != nil || len(inc) != 1 || inc[0].Action != Include {
		t.Errorf("include-from: %+v %v", inc, err)
	}
	if _, err := ReadPatterns(iotest.ErrReader(errors.New("boom")), Exclude); err == nil {
		t.Errorf("read error not reported")
	}
}
