package tree

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/peertest"
)

// rsyncTree is the source tree of the rsync conformance test.
var rsyncTree = []string{
	"a.o", "a.c", "b.h", "README", "Makefile", "sp ace", "[br]", "a*star", "c",
	"foo/bar", "foo/bar.c", "foo/x/bar", "foo/x/y/bar",
	"src/main.c", "src/util.c", "src/obj/main.o", "src/foo/bar",
	"tmp/t1", "tmp/deep/t2", "tmp/deep/bar",
	"dir/a", "dir/sub/b", "dirx/a", "x/dir/c", "x/foo/q/bar", "x/foo/bar",
	"build/out.bin", "docs/a.txt", "docs/b.md", "docs/img/p.png", "docs/tmp/",
	"empty/", "link -> a.c", "dir/link -> ../foo",
}

// rsyncCases are rule sets checked against the real rsync; each rule is an
// rsync --filter argument, or an --include/--exclude option.
var rsyncCases = []struct {
	name  string
	rules []string
	named bool // transfer "t" (rules see "t/...") instead of "t/"
}{
	{"none", nil, false},
	{"suffix", []string{"- *.o"}, false},
	{"anchored", []string{"- /foo"}, false},
	{"dir only", []string{"- foo/"}, false},
	{"inner star", []string{"- foo/*/bar"}, false},
	{"anchored double star", []string{"- /foo/**/bar"}, false},
	{"c sources only", []string{"+ */", "+ *.c", "- *"}, false},
	{"one file", []string{"+ foo/", "+ foo/bar.c", "- *"}, false},
	{"triple star anchored", []string{"+ /dir/***", "- *"}, false},
	{"triple star", []string{"- dir/***"}, false},
	{"leading double star", []string{"- **/tmp"}, false},
	{"dir contents", []string{"- tmp/*"}, false},
	{"deep dir", []string{"- /src/obj/"}, false},
	{"include before exclude", []string{"+ *.txt", "- docs/*"}, false},
	{"class", []string{"- [a-c]*"}, false},
	{"question", []string{"- ?.*"}, false},
	{"negate", []string{"-! */"}, false},
	{"clear", []string{"- *.o", "!", "- *.c"}, false},
	{"literal inner slash", []string{"- x/dir"}, false},
	{"src c files", []string{"+ /src/", "+ /src/*.c", "- /src/*"}, false},
	{"double star suffix", []string{"- **/bar"}, false},
	{"trailing double star", []string{"- foo/**"}, false},
	{"dirs and bars", []string{"+ */", "+ **/bar", "- *"}, false},
	{"second level dirs", []string{"- /*/*/"}, false},
	{"posix class", []string{"- [[:upper:]]*"}, false},
	{"escaped bracket", []string{`- \[br]`}, false},
	{"escaped star", []string{`- a\*star*`}, false},
	{"space", []string{"- sp ace"}, false},
	{"underscore form", []string{"-_*.c"}, false},
	{"named anchored", []string{"- /t/foo", "- /src"}, true},
	{"named inner", []string{"+ /t/", "+ /t/src/***", "- *"}, true},
	{"named star", []string{"- /*/*.o", "- t/x/"}, true},
	{"named none", nil, true},
	// Old-style --include/--exclude arguments (OldStyleRule).
	{"old exclude", []string{"--exclude=*.o", "--include=*.c", "--exclude=src/"}, false},
	{"old prefixes", []string{"--exclude=+ *.h", "--include=- README", "--exclude=*"}, false},
	{"old clear", []string{"--exclude=*", "--exclude=!", "--exclude=foo"}, false},
}

func TestFilterMatchesRsync(t *testing.T) {
	rsync := peertest.Need(t, "rsync", "rsync")
	base := t.TempDir()
	src := filepath.Join(base, "t")
	buildTree(t, src, rsyncTree...)
	root := openRoot(t, src)
	parentRoot := openRoot(t, base)

	for _, tc := range rsyncCases {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"-rl", "--dry-run", "--out-format=%n"}
			var rules []Rule
			for _, r := range tc.rules {
				var rule Rule
				switch {
				case strings.HasPrefix(r, "--exclude="):
					args = append(args, r)
					rule = OldStyleRule(strings.TrimPrefix(r, "--exclude="), Exclude)
				case strings.HasPrefix(r, "--include="):
					args = append(args, r)
					rule = OldStyleRule(strings.TrimPrefix(r, "--include="), Include)
				default:
					args = append(args, "--filter="+r)
					var err error
					if rule, err = ParseRule(r); err != nil {
						t.Fatal(err)
					}
				}
				rules = append(rules, rule)
			}
			dst := filepath.Join(t.TempDir(), "dst")
			if tc.named {
				args = append(args, src, dst)
			} else {
				args = append(args, src+"/", dst)
			}
			cmd := exec.CommandContext(t.Context(), rsync, args...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("rsync %q: %v\n%s", args, err, out)
			}
			want := strings.Fields(strings.ReplaceAll(strings.TrimSpace(string(out)), " ", "\x00"))
			for i := range want {
				want[i] = strings.ReplaceAll(want[i], "\x00", " ")
			}
			slices.Sort(want)
			if len(want) < 2 {
				t.Fatalf("rsync selected almost nothing: %q", want)
			}

			f, err := NewFilter(rules)
			if err != nil {
				t.Fatal(err)
			}
			opts := WalkOptions{Recursive: true, Filter: f}
			r := root
			if tc.named {
				r, opts.Start, opts.Prefix = parentRoot, "t", "t"
			}
			entries, errs := walkAll(t, r, opts)
			if len(errs) > 0 {
				t.Fatalf("walk errors at %q", errs)
			}
			var got []string
			for _, e := range entries {
				switch {
				case e.Path == ".":
					got = append(got, "./")
				case e.IsDir():
					got = append(got, e.Path+"/")
				default:
					got = append(got, e.Path)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("rules %q\nferry: %q\nrsync: %q", tc.rules, got, want)
			}
		})
	}
}
