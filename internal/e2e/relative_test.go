package e2e

import (
	"os"
	"path/filepath"
	"strings"
)

// relativeCases compare -R (with "/./") and --files-from (with --from0,
// -r, --delete and -n) with rsync.
func relativeCases() []compareCase {
	rel := func(paths ...string) func(string) []string {
		return func(src string) []string {
			var ops []string
			for _, p := range paths {
				ops = append(ops, src+"/./"+p)
			}
			return ops
		}
	}
	list := func(name, sep string, paths ...string) string {
		p := filepath.Join(scratch, name)
		if err := os.WriteFile(p, []byte(strings.Join(paths, sep)+sep), 0o644); err != nil {
			panic(err)
		}
		return p
	}
	listed := []string{"a/b/c", "top.txt", "/keep/sub/two", "hl/1", "hl/2", "no-such-file", "empty2/deep", "rel"}
	nl := list("files-from.txt", "\n", listed...)
	nul := list("files-from0.txt", "\x00", listed...)
	return []compareCase{
		{name: "relative/fresh", args: []string{"-R"}, operands: rel("a/b", "keep/sub", "top.txt")},
		{name: "relative/fresh-H", args: []string{"-R", "-H"}, operands: rel("hl", "a")},
		{name: "relative/nested-dot", args: []string{"-R"}, operands: func(src string) []string {
			return []string{src + "/a/./b/c", src + "/./keep"}
		}},
		{name: "relative/stale-delete", dest: staleDest, args: []string{"-R", "--delete"}, operands: rel("a", "keep", "hl")},
		{name: "relative/stale-delete-dry-run", dest: staleDest, args: []string{"-R", "--delete", "-n"}, operands: rel("a", "keep")},
		{name: "relative/missing", wantCode: 23, args: []string{"-R"}, operands: rel("a/b", "no/such")},
		{name: "relative/no-implied-dirs", args: []string{"-R", "--no-implied-dirs"}, operands: rel("a/b/c", "keep/sub", "top.txt")},
		{name: "relative/no-implied-dirs-stale-delete", dest: staleDest, args: []string{"-R", "--no-implied-dirs", "--delete"}, operands: rel("a/b/c", "keep/sub")},
		{name: "files-from/fresh", wantCode: 23, args: []string{"--files-from=" + nl}},
		{name: "files-from/recursive", wantCode: 23, args: []string{"-r", "--files-from=" + nl}},
		{name: "files-from/from0", wantCode: 23, args: []string{"--from0", "--files-from=" + nul}},
		{name: "files-from/stale-delete", wantCode: 23, dest: staleDest, args: []string{"-r", "--delete", "--files-from=" + nl}},
		{name: "files-from/stale-delete-dry-run", wantCode: 23, dest: staleDest, args: []string{"-r", "--delete", "-n", "--files-from=" + nl}},
	}
}
