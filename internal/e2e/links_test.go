package e2e

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// linkSource builds, under a new directory, "outside" (what unsafe links
// point at) and "src" with symlinks of every kind: safe and unsafe, to
// files and to directories, relative and absolute, and (with dangling) one
// pointing at nothing. It returns the path of src.
func linkSource(t *testing.T, dangling bool) string {
	t.Helper()
	top := t.TempDir()
	nodes := []node{
		{path: "outside/of", kind: kFile, data: []byte("outside file")},
		{path: "outside/od/x", kind: kFile, data: []byte("in a directory outside")},
		{path: "src/f", kind: kFile, data: []byte("file")},
		{path: "src/d/df", kind: kFile, data: []byte("in d")},
		{path: "src/d/sub/g", kind: kFile, data: []byte("deeper")},
		{path: "src/e", kind: kDir},
		{path: "src/safe_f", kind: kSymlink, target: "f"},
		{path: "src/safe_d", kind: kSymlink, target: "d"},
		{path: "src/unsafe_f", kind: kSymlink, target: "../outside/of"},
		{path: "src/unsafe_d", kind: kSymlink, target: "../outside/od"},
		{path: "src/abs_f", kind: kSymlink, target: filepath.Join(top, "outside/of")},
		{path: "src/e/up_d", kind: kSymlink, target: "../d"},
		{path: "src/d/up_f", kind: kSymlink, target: "../f"},
		{path: "src/d/out2", kind: kSymlink, target: "../../outside/of"},
	}
	if dangling {
		nodes = append(nodes, node{path: "src/dangling", kind: kSymlink, target: "nothere"})
	}
	buildTree(t, top, nodes)
	return filepath.Join(top, "src")
}

// staleLinkDest is what a destination holds before a --delete run: junk
// to delete, and entries where the source has symlinks.
var staleLinkDest = []node{
	{path: "junk", kind: kFile, data: []byte("extraneous")},
	{path: "unsafe_f", kind: kSymlink, target: "elsewhere"},
	{path: "abs_f", kind: kFile, data: []byte("an older file")},
	{path: "safe_d/old", kind: kFile, data: []byte("old")},
	{path: "d/sub/stale", kind: kFile, data: []byte("stale")},
}

// linkCase is one comparison of ferry with rsync on linkSource.
type linkCase struct {
	name     string
	args     []string // for both; rsync gets -a in front
	noSlash  bool
	stale    bool // destination pre-populated with staleLinkDest
	dangling bool // the source has a dangling link
	wantCode int
}

func linkCases() []linkCase {
	var cs []linkCase
	for _, opt := range [][]string{{"-L"}, {"--copy-unsafe-links"}, {"--safe-links"}, {"-k"}, {"-k", "--copy-unsafe-links"}} {
		name := strings.Join(opt, "")
		staleCode := 0
		if !slices.Contains(opt, "-L") && !slices.Contains(opt, "-k") {
			// safe_d stays a symlink, where the destination has a
			// non-empty directory: "could not make way for new symlink"
			staleCode = 23
		}
		cs = append(cs,
			linkCase{name: name + "/fresh", args: opt},
			linkCase{name: name + "/fresh-noslash", args: opt, noSlash: true},
			linkCase{name: name + "/stale", args: opt, stale: true, wantCode: staleCode},
			linkCase{name: name + "/stale-delete", args: append(slices.Clip(opt), "--delete"), stale: true},
			linkCase{name: name + "/stale-delete-noslash", args: append(slices.Clip(opt), "--delete"), stale: true, noSlash: true},
			linkCase{name: name + "/dry-run-delete", args: append(slices.Clip(opt), "-n", "--delete"), stale: true},
		)
		wantCode := 0
		if opt[0] == "-L" {
			wantCode = 23 // symlink has no referent
		}
		cs = append(cs,
			linkCase{name: name + "/dangling", args: opt, dangling: true, wantCode: wantCode},
			linkCase{name: name + "/dangling-noslash", args: opt, dangling: true, noSlash: true, wantCode: wantCode},
		)
	}
	cs = append(cs,
		linkCase{name: "L-checksum/stale", args: []string{"-L", "-c"}, stale: true},
		linkCase{name: "L-exclude/fresh", args: []string{"-L", "--exclude=dangling", "--exclude=unsafe_d/"}, dangling: true},
	)
	return cs
}

// TestRsyncCompareLinks requires ferry to leave the tree rsync leaves, and
// to exit with rsync's code, with each symlink option.
func TestRsyncCompareLinks(t *testing.T) {
	needFerry(t)
	rsync := needRsync(t)
	for _, c := range linkCases() {
		t.Run(c.name, func(t *testing.T) {
			skipKnown(t)
			t.Parallel()
			src := linkSource(t, c.dangling)
			base := t.TempDir()
			rdst, fdst := filepath.Join(base, "rsync"), filepath.Join(base, "ferry")
			if c.stale {
				at := func(d string) string {
					if c.noSlash {
						return filepath.Join(d, "src")
					}
					return d
				}
				buildTree(t, at(rdst), staleLinkDest)
				buildTree(t, at(fdst), staleLinkDest)
			}
			op := src + "/"
			if c.noSlash {
				op = src
			}
			since := time.Now().UnixNano()
			rr := run(t, rsync, slices.Concat([]string{"-a"}, c.args, []string{op, rdst + "/"})...)
			fr := run(t, ferryBin, slices.Concat(c.args, []string{op, fdst + "/"})...)
			if rr.code != c.wantCode {
				t.Fatalf("rsync exit %d, the case expects %d: %v", rr.code, c.wantCode, rr)
			}
			if fr.code != rr.code {
				t.Errorf("exit code: rsync %d, ferry %d\nrsync: %v\nferry: %v", rr.code, fr.code, rr, fr)
			}
			requireSameTree(t, "ferry vs rsync", takeSnapshot(t, rdst), takeSnapshot(t, fdst),
				compareOpts{ignoreRootMtime: c.noSlash || c.stale, since: since})
			if t.Failed() {
				t.Logf("ferry run: %v", fr)
			}
		})
	}
}

// TestSSHLinks pushes and pulls over ssh with each symlink option: the
// remote side must act on the options as the local run does (the options
// travel in Run), so the result is rsync's local result.
func TestSSHLinks(t *testing.T) {
	s := startSSH(t)
	rsync := needRsync(t)
	f := sshForms[0]
	for _, opt := range [][]string{{"-L"}, {"--copy-unsafe-links"}, {"--safe-links"}, {"-k"}} {
		for _, dir := range []string{"push", "pull"} {
			t.Run(strings.Join(opt, "")+"/"+dir, func(t *testing.T) {
				t.Parallel()
				src := linkSource(t, false)
				base := t.TempDir()
				rdst, fdst := filepath.Join(base, "rsync"), filepath.Join(base, "ferry")
				for _, d := range []string{rdst, fdst} {
					buildTree(t, d, staleLinkDest)
				}
				args := append(slices.Clip(opt), "--delete")
				if r := run(t, rsync, slices.Concat([]string{"-a"}, args, []string{src + "/", rdst + "/"})...); r.code != 0 {
					t.Fatalf("rsync: %v", r)
				}
				from, to := src+"/", f.operand(t, s, fdst+"/")
				if dir == "pull" {
					from, to = f.operand(t, s, src+"/"), fdst+"/"
				}
				if r := ferrySSH(t, f.rsh(s), slices.Concat(args, []string{from, to})...); r.code != 0 {
					t.Fatalf("ferry: %v", r)
				}
				requireSameTree(t, "ferry over ssh vs rsync", takeSnapshot(t, rdst), takeSnapshot(t, fdst), compareOpts{ignoreRootMtime: true})
			})
		}
	}
}
