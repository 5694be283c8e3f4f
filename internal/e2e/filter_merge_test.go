package e2e

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// mergeNodes are the filter files of the mergeTree variant: per-directory
// .rsync-filter and .cvsignore files at several depths, and a merge file
// for --filter='merge FILE'. A stale destination gets them too (it is
// derived from the source), so the receiver's own copies protect what
// they name, as rsync's do.
func mergeNodes() []node {
	f := func(path, data string) node {
		return node{path: path, kind: kFile, data: []byte(data), mtime: baseTime}
	}
	return []node{
		f(".rsync-filter", "# top\n- *.o\n+ keep/\n- /logs/app.log\nP extra.txt\nH z.tmp\n"),
		f("a/.rsync-filter", "+ important.o\n- b/c/\n"),
		f("keep/.rsync-filter", "!\n- two\n"),
		f("keep/sub/.rsync-filter", "- three\n"),
		f(".cvsignore", "*.tmp extra*\n"),
		f("build/.cvsignore", "out.bin\n"),
		f("rules.merge", "- *.go\n:n- .cvsignore\nP build/\n"),
		f("only-o/x.o", "x"), f("only-o/deep/y.o", "y"),
	}
}

// mergeCases compare per-directory merge files, merge files, side rules,
// -C and -m with rsync, on fresh and stale destinations, with --delete,
// --delete-excluded and -n.
func mergeCases() []compareCase {
	m := func(name string, dest destKind, args ...string) compareCase {
		return compareCase{name: "merge/" + name, dest: dest, args: args, variant: mergeTree}
	}
	mergeFile := func(src string) []string { return []string{"--filter=merge " + filepath.Join(src, "rules.merge")} }
	// An extraneous directory holding only what perishable rules exclude
	// goes, as a whole; one a plain exclude protects stays.
	gone := []node{{path: "gone/x.o", kind: kFile, data: []byte("o")}, {path: "gone/sub/core", kind: kFile, data: []byte("c")},
		{path: "gone/sub/y.o", kind: kFile, data: []byte("y")}, {path: "a/b/stale.o", kind: kFile, data: []byte("s")}}
	p := func(name string, args ...string) compareCase {
		return compareCase{name: "merge/" + name, dest: staleDest, args: args, variant: mergeTree, extraDest: gone}
	}
	cs := []compareCase{
		p("perishable-C", "-C", "--delete"),
		p("perishable-C-dry-run", "-n", "-C", "--delete"),
		p("perishable-rule", "--filter=-p *.o", "--filter=- core", "--delete"),
		p("not-perishable", "--exclude=*.o", "--exclude=core", "--delete"),
		m("F-fresh", freshDest, "-F"),
		m("F-stale-delete", staleDest, "-F", "--delete"),
		m("FF-stale-delete", staleDest, "-FF", "--delete"),
		m("F-dry-run-delete", staleDest, "-n", "-F", "--delete"),
		m("F-delete-excluded", staleDest, "-F", "--delete-excluded"),
		m("dir-merge-e", staleDest, "--filter=:e .rsync-filter", "--delete"),
		m("dir-merge-n", staleDest, "--filter=dir-merge,n .rsync-filter", "--delete"),
		m("dir-merge-after-rule", staleDest, "--exclude=*.go", "--filter=: .rsync-filter", "--include=*.o", "--delete"),
		m("cvsignore-words", staleDest, "--filter=:-w .cvsignore", "--delete"),
		m("C-fresh", freshDest, "-C"),
		m("C-stale-delete", staleDest, "-C", "--delete"),
		m("C-dry-run", staleDest, "-n", "-C", "--delete"),
		m("protect", staleDest, "--filter=P extra.txt", "--filter=protect logs/", "--delete"),
		m("protect-delete-excluded", staleDest, "--filter=P *.log", "--exclude=*.o", "--delete-excluded"),
		m("risk", staleDest, "--filter=R *.o", "--exclude=*.o", "--delete"),
		m("hide", staleDest, "--filter=H *.o", "--delete"),
		m("show", staleDest, "--filter=S *.go", "--filter=H *.go", "--filter=H a/", "--delete"),
		m("sender-only", staleDest, "--filter=-s *.o", "--filter=-r build/", "--delete"),
		m("hide-dry-run", staleDest, "-n", "--filter=hide,! */", "--delete"),
		m("prune-fresh", freshDest, "-m", "--include=*/", "--include=*.go", "--exclude=*"),
		m("prune-stale-delete", staleDest, "-m", "--include=*/", "--include=*.o", "--exclude=*", "--delete"),
		m("prune-protect", staleDest, "-m", "--filter=protect empty/", "--exclude=*.o", "--delete"),
		m("prune-hide", staleDest, "-m", "--include=*.txt", "--filter=hide,! */", "--delete"),
		m("prune-F", freshDest, "-m", "-F"),
		m("prune-dry-run", staleDest, "-n", "-m", "-F", "--delete"),
		// The destination's own per-directory file decides what --delete
		// keeps there, not the source's.
		{name: "merge/F-dest-rules-differ", dest: staleDest, variant: mergeTree, args: []string{"-F", "--delete"},
			extraDest: []node{{path: "keep/sub/.rsync-filter", kind: kFile, data: []byte("P extra\n")}}},
		{name: "merge/merge-file", dest: staleDest, variant: mergeTree, args: []string{"--delete"}, argsFor: mergeFile},
		{name: "merge/F-noslash", dest: staleDest, variant: mergeTree, args: []string{"-F", "--delete"}, noSlash: true},
		{name: "merge/prune-noslash", dest: staleDest, variant: mergeTree, args: []string{"-m", "--exclude=*.txt", "--delete"}, noSlash: true},
	}
	return cs
}

// TestSSHFilters runs some of the merge cases over ssh, pushing and
// pulling, and requires the tree that rsync leaves locally: the remote
// side reads the per-directory files of its own tree.
func TestSSHFilters(t *testing.T) {
	s := startSSH(t)
	rsync := needRsync(t)
	src := sharedSource(t, mergeTree)
	cases := [][]string{
		{"-F", "--delete"},
		{"-FF", "-m", "--delete"},
		{"-C", "--filter=P extra.txt", "--filter=H *.go", "--filter=-r build/", "--delete"},
		{"--filter=merge " + filepath.Join(src, "rules.merge"), "--delete"},
	}
	for _, args := range cases {
		for _, push := range []bool{true, false} {
			name := strings.Join(args, " ")
			if push {
				name = "push " + name
			} else {
				name = "pull " + name
			}
			t.Run(name, func(t *testing.T) { // one at a time: each run has 20s (run), on a loaded machine too
				base := t.TempDir()
				rdst, fdst := filepath.Join(base, "rsync"), filepath.Join(base, "ferry")
				c := compareCase{dest: staleDest, variant: mergeTree}
				prepareDest(t, rdst, src, c)
				prepareDest(t, fdst, src, c)
				since := time.Now().UnixNano()
				rr := run(t, rsync, slices.Concat([]string{"-aH"}, args, []string{src + "/", rdst + "/"})...)
				if rr.code != 0 {
					t.Fatalf("rsync: %v", rr)
				}
				from, to := s.Host+":"+src+"/", fdst+"/"
				if push {
					from, to = src+"/", s.Host+":"+fdst+"/"
				}
				if fr := ferrySSH(t, s.RSH(), slices.Concat(args, []string{from, to})...); fr.code != 0 {
					t.Fatalf("ferry: %v", fr)
				}
				requireSameTree(t, "ferry over ssh vs rsync", takeSnapshot(t, rdst), takeSnapshot(t, fdst), compareOpts{since: since})
			})
		}
	}
}
