package tree

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

func TestParseMergeFile(t *testing.T) {
	tests := []struct {
		name  string
		merge string // the merge rule
		in    string
		want  []string // Rule.String of each rule read
		err   error
	}{
		{"rules", ": .f", "- *.o\n# comment\n; other\n\n+ keep\r\nP x\n!\n", []string{"- *.o", "+ keep", "-r x", "!"}, nil},
		{"exclude patterns", ":- .f", "*.o\n+ y\n#c\n!\n", []string{"- *.o", "- + y", "!"}, nil},
		{"include patterns", ":+ .f", "a b\n", []string{"+ a b"}, nil},
		{"word split rules", ":w .f", "-_*.o  +_keep\n#\n", nil, ErrBadRule},
		{"word split patterns", ":w- .f", "a b\tc\n\n#x\n", []string{"- a", "- b", "- c", "- #x"}, nil},
		{"cvs", ":C", "*.o core ! x\n", []string{"- *.o", "- core", "!", "- x"}, nil},
		{"sides and perishable", ":sp .f", "- a\nP b\n", []string{"-ps a", "-p b"}, nil},
		{"bad rule", ": .f", "- ok\nfoo\n", nil, ErrBadRule},
		{"no final newline", ": .f", "- a\n- b", []string{"- a", "- b"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseRule(tt.merge)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
				rules, err := ParseMergeFile(r, m, "f")
				if tt.err != nil {
					if !errors.Is(err, tt.err) {
						t.Fatalf("got %v, %v; want error %v", rules, err, tt.err)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, r := range rules {
					got = append(got, r.String())
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("got %q, want %q", got, tt.want)
				}
			}
		})
	}
}

func TestExpandRules(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	inner := write("inner", "- inner\n")
	outer := write("outer", "+ a\n. "+inner+"\n: .per-dir\n-C\n")
	write(".cvsignore", "home1 home2\n")
	loop := write("loop", ". "+filepath.Join(dir, "loop")+"\n")
	env := ExpandEnv{Home: dir, CVSIgnore: "env1"}
	tests := []struct {
		name  string
		rules []string
		want  []string
		err   error
	}{
		{"plain rules kept as given", []string{"- *.o", "+_x", ": .f"}, []string{"- *.o", "+_x", ": .f"}, nil},
		{"nested merge", []string{". " + outer, "- z"},
			[]string{"+ a", "- inner", ": .per-dir", "-C", "- home1", "- home2", "- env1", "- z"}, nil},
		{"exclude self", []string{".e " + inner}, []string{"- inner", "- inner"}, nil},
		{"merge sides", []string{".s " + inner}, []string{"-s inner"}, nil},
		{"missing file", []string{"merge " + filepath.Join(dir, "nope")}, nil, fs.ErrNotExist},
		{"loop", []string{". " + loop}, nil, ErrBadRule},
		{"bad rule", []string{"-x foo"}, nil, ErrUnsupportedRule},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ExpandRules(tt.rules, env)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("got %q, %v; want error %v", got, err, tt.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestSideFilter(t *testing.T) {
	rules := []string{"P prot", "H hid", "- both", "R risk", "- risk", "S shown", "- shown", "-r ronly", "-s sonly"}
	tests := []struct {
		side     Side
		delExcl  bool
		excluded []string
		included []string
	}{
		{SideSender, false, []string{"hid", "both", "risk", "sonly"}, []string{"prot", "shown", "ronly"}},
		{SideReceiver, false, []string{"prot", "both", "ronly", "shown"}, []string{"hid", "risk", "sonly"}},
		{SideReceiver, true, []string{"prot", "ronly"}, []string{"hid", "both", "risk", "shown", "sonly"}},
		{SideSender, true, []string{"hid", "both", "risk", "sonly"}, []string{"prot", "shown", "ronly"}},
	}
	for _, tt := range tests {
		f, err := ParseSideFilter(rules, tt.side, tt.delExcl)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range tt.excluded {
			if !f.Match(p, false) {
				t.Errorf("side %d delete-excluded %v: %q not excluded", tt.side, tt.delExcl, p)
			}
		}
		for _, p := range tt.included {
			if f.Match(p, false) {
				t.Errorf("side %d delete-excluded %v: %q excluded", tt.side, tt.delExcl, p)
			}
		}
	}
}

func TestWithoutPerishable(t *testing.T) {
	f, err := ParseFilter([]string{"-p *.o", "-C", "- *.c"})
	if err != nil {
		t.Fatal(err)
	}
	g := f.WithoutPerishable()
	for p, want := range map[string][2]bool{"a.o": {true, false}, "core": {true, false}, "a.c": {true, true}, "a.h": {false, false}} {
		if f.Match(p, false) != want[0] || g.Match(p, false) != want[1] {
			t.Errorf("%s: got %v/%v, want %v", p, f.Match(p, false), g.Match(p, false), want)
		}
	}
}

func FuzzParseMergeFile(f *testing.F) {
	f.Add(": .f", "- *.o\n+ keep\n!\nP x\n")
	f.Add(":C", "*.o core ! x\n")
	f.Add(":w- .f", "a b\tc\n\n#x\n")
	f.Fuzz(func(t *testing.T, merge, in string) {
		m, err := ParseRule(merge)
		if err != nil || m.Action != Merge && m.Action != DirMerge {
			return
		}
		rules, err := ParseMergeFile(strings.NewReader(in), m, "f")
		if err != nil {
			return
		}
		for _, r := range rules {
			again, err := ParseRule(r.String())
			if err != nil || again != r {
				t.Fatalf("%+v: String %q parses to %+v, %v", r, r.String(), again, err)
			}
		}
	})
}
