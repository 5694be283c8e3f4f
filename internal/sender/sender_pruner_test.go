package sender

import (
	"slices"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/tree"
)

func TestPruner(t *testing.T) {
	tests := []struct {
		name    string
		protect []string
		in      []string // walk order; a trailing "/" marks a directory
		want    []string
	}{
		{"empty chain dropped", nil, []string{"./", "a/", "a/b/", "a/b/c/", "d"}, []string{"./", "d"}},
		{"chain sent before a file", nil, []string{"./", "a/", "a/b/", "a/b/f", "a/c/", "g/"}, []string{"./", "a/", "a/b/", "a/b/f"}},
		{"symlink counts", nil, []string{"./", "a/", "a/l"}, []string{"./", "a/", "a/l"}},
		{"siblings", nil, []string{"./", "a/", "a/x/", "a/y/", "a/y/f", "b/", "b/z/"}, []string{"./", "a/", "a/y/", "a/y/f"}},
		{"protected kept with its parents", []string{"P keep/"}, []string{"./", "a/", "a/keep/", "b/"}, []string{"./", "a/", "a/keep/"}},
		{"named top", nil, []string{"src/", "src/e/"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := tree.ParseSideFilter(tt.protect, tree.SideReceiver, true)
			if err != nil {
				t.Fatal(err)
			}
			p := &pruner{protect: f}
			var got []string
			send := func(e *tree.Entry) error {
				s := e.Path
				if e.IsDir() {
					s += "/"
				}
				got = append(got, s)
				return nil
			}
			for _, s := range tt.in {
				e := &tree.Entry{Path: strings.TrimSuffix(s, "/"), Type: tree.TypeFile}
				if strings.HasSuffix(s, "/") {
					e.Type = tree.TypeDir
				}
				if e.Path == "" {
					e.Path = "."
				}
				if err := p.add(e, send); err != nil {
					t.Fatal(err)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("sent %q, want %q", got, tt.want)
			}
			if len(p.held) > 3 {
				t.Errorf("holds %d directories", len(p.held))
			}
		})
	}
}
