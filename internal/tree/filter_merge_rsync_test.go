package tree

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/peertest"
)

// mergeTree is the source tree of the dir-merge conformance test, and
// mergeFiles the merge files in it.
var mergeTree = []string{
	"top.txt", "a.o", "a.c", "b.h", "keep.tmp", "x.tmp", "junk", "foo.bak", "CVS/x", "core",
	"sub/a.o", "sub/b.o", "sub/a.c", "sub/b.h", "sub/top.txt", "sub/x.tmp", "sub/junk",
	"sub/deep/f", "sub/deep2/f", "sub/sub2/a.o", "sub/sub2/a.c", "sub/sub2/x.tmp", "sub/sub2/b.h",
	"other/a.o", "other/x.tmp", "other/a.c", "other/b.h", "empty/",
}

var mergeFiles = map[string]string{
	".rsync-filter":          "- *.o\n+ keep.tmp\n# comment\n- *.tmp\n- /top.txt\n",
	"sub/.rsync-filter":      "+ a.o\n- /deep/\n- b.h\n",
	"sub/sub2/.rsync-filter": "!\n- *.c\n",
	".nf":                    "- *.c\n",
	"sub/.nf":                "- b.h\n",
	".ex":                    "*.h\n#c\njunk\n",
	".cvsignore":             "*.c junk\n",
	"sub/.cvsignore":         "b*\n",
	"sub/.sides":             "P a.c\nH b.h\n-r x.tmp\n-s a.o\n",
}

// mergeCases are rule lists (rsync --filter arguments) checked against the
// real rsync's choice of files to send.
var mergeCases = [][]string{
	{": .rsync-filter"},
	{"dir-merge /.rsync-filter"},
	{":e .rsync-filter"},
	{"- .rsync-filter", ": .rsync-filter"},
	{"+ *.o", ": .rsync-filter", "- *.c"},
	{":n .nf"},
	{": .nf"},
	{":- .ex"},
	{":+ .ex", "- *.h", "- junk", "- *.c"},
	{"dir-merge,-w .cvsignore"},
	{":C"},
	{"-C"},
	{":C", "-C"},
	{": .sides"},
	{"H *.o", "S a.c", "H *.c"},
	{"P *.o", "R *.c", "protect b.h", "- other/"},
	{"-s *.o", "-r *.c"},
	{"hide,! */"},
	{": .rsync-filter", ":n .nf", ":- .ex"},
}

func TestDirMergeMatchesRsync(t *testing.T) {
	rsync := peertest.Need(t, "rsync", "rsync")
	base := t.TempDir()
	src := filepath.Join(base, "t")
	buildTree(t, src, mergeTree...)
	for name, body := range mergeFiles {
		if err := os.WriteFile(filepath.Join(src, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("CVSIGNORE", "")
	t.Setenv("HOME", base)
	root := openRoot(t, src)
	parentRoot := openRoot(t, base)
	all, _ := walkAll(t, root, WalkOptions{Recursive: true})
	for _, rules := range mergeCases {
		for _, named := range []bool{false, true} {
			name := strings.Join(rules, " ")
			if named {
				name += " (named)"
			}
			t.Run(name, func(t *testing.T) {
				args := []string{"-rl", "--dry-run", "--out-format=%n"}
				for _, r := range rules {
					args = append(args, "--filter="+r)
				}
				dst := filepath.Join(t.TempDir(), "dst")
				if named {
					args = append(args, src, dst)
				} else {
					args = append(args, src+"/", dst)
				}
				out, err := exec.CommandContext(t.Context(), rsync, args...).CombinedOutput()
				if err != nil {
					t.Fatalf("rsync %q: %v\n%s", args, err, out)
				}
				want := strings.Fields(string(out))
				slices.Sort(want)
				if len(want) >= len(all) {
					t.Fatalf("rsync excluded nothing: %q", want)
				}

				exp, err := ExpandRules(rules, ExpandEnv{Home: base})
				if err != nil {
					t.Fatal(err)
				}
				f, err := ParseSideFilter(exp, SideSender, false)
				if err != nil {
					t.Fatal(err)
				}
				opts := WalkOptions{Recursive: true, Filter: f, MergeFrom: "."}
				r := root
				if named {
					r, opts.Start, opts.Prefix, opts.MergeFrom = parentRoot, "t", "t", "t"
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
					t.Errorf("rules %q\nferry: %q\nrsync: %q", rules, got, want)
				}
			})
		}
	}
}
