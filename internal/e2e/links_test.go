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

// keepDirLinkSource is a source whose directory kd arrives where the
// destination (keepDirLinkDest) has a symlink to a directory; real, the
// directory it points at, is in the source too, with the same content
// (so that --delete in one keeps what the other brings).
var keepDirLinkSource = []node{
	{path: "kd/a", kind: kFile, data: []byte("new a")},
	{path: "kd/sub/b", kind: kFile, data: []byte("b")},
	{path: "real/a", kind: kFile, data: []byte("new a")},
	{path: "real/sub/b", kind: kFile, data: []byte("b")},
	{path: "kf/c", kind: kFile, data: []byte("c")},
	{path: "kn/d", kind: kFile, data: []byte("d")},
}

var keepDirLinkDest = []node{
	{path: "real/old", kind: kFile, data: []byte("extraneous")},
	{path: "real/a", kind: kFile, data: []byte("old a, longer")},
	{path: "kd", kind: kSymlink, target: "real"},
	{path: "kf", kind: kSymlink, target: "real/a"},  // not a directory: replaced
	{path: "kn", kind: kSymlink, target: "nothere"}, // dangling: replaced
}

// TestRsyncCompareKeepDirLinks compares -K with rsync where every
// destination symlink stays inside the destination.
func TestRsyncCompareKeepDirLinks(t *testing.T) {
	needFerry(t)
	rsync := needRsync(t)
	for _, c := range []linkCase{
		{name: "K", args: []string{"-K"}},
		{name: "K-delete", args: []string{"-K", "--delete"}},
		{name: "K-dry-run-delete", args: []string{"-K", "-n", "--delete"}},
		{name: "K-noslash", args: []string{"-K"}, noSlash: true},
		{name: "K-delete-noslash", args: []string{"-K", "--delete"}, noSlash: true},
		{name: "no-K-delete", args: []string{"--delete"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			top := t.TempDir()
			src := filepath.Join(top, "src")
			buildTree(t, src, keepDirLinkSource)
			rdst, fdst := filepath.Join(top, "rsync"), filepath.Join(top, "ferry")
			op := src + "/"
			for _, d := range []string{rdst, fdst} {
				if c.noSlash {
					d = filepath.Join(d, "src")
				}
				buildTree(t, d, keepDirLinkDest)
			}
			if c.noSlash {
				op = src
			}
			since := time.Now().UnixNano()
			rr := run(t, rsync, slices.Concat([]string{"-a"}, c.args, []string{op, rdst + "/"})...)
			fr := run(t, ferryBin, slices.Concat(c.args, []string{op, fdst + "/"})...)
			if rr.code != 0 {
				t.Fatalf("rsync: %v", rr)
			}
			if fr.code != rr.code {
				t.Errorf("exit code: rsync %d, ferry %d\nferry: %v", rr.code, fr.code, fr)
			}
			o := compareOpts{ignoreRootMtime: true, since: since}
			if c.noSlash {
				// rsync -K leaves src's mtime at the time of its run
				// here (ferry copies it); the rest is compared.
				o.ignore = func(p string) bool { return p == "src" }
			}
			requireSameTree(t, "ferry vs rsync", takeSnapshot(t, rdst), takeSnapshot(t, fdst), o)
		})
	}
}

// TestKeepDirLinksConfined: -K never writes through a destination symlink
// that leads outside the destination (rsync would): the directory is
// reported (exit 23), the symlink and what it points at are left alone,
// and the rest of the tree is transferred.
func TestKeepDirLinksConfined(t *testing.T) {
	needFerry(t)
	top := t.TempDir()
	src, dst, outside := filepath.Join(top, "src"), filepath.Join(top, "dst"), filepath.Join(top, "outside")
	buildTree(t, src, []node{
		{path: "out/f", kind: kFile, data: []byte("must not land outside")},
		{path: "abs/f", kind: kFile, data: []byte("must not land outside")},
		{path: "z", kind: kFile, data: []byte("transferred")},
	})
	buildTree(t, outside, []node{{path: "keep", kind: kFile, data: []byte("outside")}})
	buildTree(t, dst, []node{
		{path: "out", kind: kSymlink, target: "../outside"},
		{path: "abs", kind: kSymlink, target: outside},
	})
	before := takeSnapshot(t, outside)
	for _, args := range [][]string{{"-K"}, {"-K", "--delete"}} {
		r := run(t, ferryBin, slices.Concat(args, []string{src + "/", dst + "/"})...)
		if r.code != 23 {
			t.Errorf("%v: exit %d, want 23: %v", args, r.code, r)
		}
		for _, p := range []string{"out", "abs"} {
			if !strings.Contains(r.stderr, p+": symlink to a directory outside the destination") {
				t.Errorf("%v: stderr does not report %s: %v", args, p, r)
			}
		}
		requireSameTree(t, "outside", before, takeSnapshot(t, outside), compareOpts{})
		got := takeSnapshot(t, dst)
		if got.entries["out"].Type != 'l' || got.entries["abs"].Type != 'l' || got.entries["z"].Type != 'f' {
			t.Errorf("%v: destination %v, want out and abs symlinks and z a file", args, got.entries)
		}
	}
}

// TestSSHKeepDirLinks pushes with -K --delete over ssh: the remote
// receiver keeps the destination's symlink to a directory as rsync does
// locally.
func TestSSHKeepDirLinks(t *testing.T) {
	s := startSSH(t)
	rsync := needRsync(t)
	f := sshForms[0]
	top := t.TempDir()
	src := filepath.Join(top, "src")
	buildTree(t, src, keepDirLinkSource)
	rdst, fdst := filepath.Join(top, "rsync"), filepath.Join(top, "ferry")
	for _, d := range []string{rdst, fdst} {
		buildTree(t, d, keepDirLinkDest)
	}
	since := time.Now().UnixNano()
	if r := run(t, rsync, "-a", "-K", "--delete", src+"/", rdst+"/"); r.code != 0 {
		t.Fatalf("rsync: %v", r)
	}
	if r := ferrySSH(t, f.rsh(s), "-K", "--delete", src+"/", f.operand(t, s, fdst+"/")); r.code != 0 {
		t.Fatalf("ferry: %v", r)
	}
	requireSameTree(t, "ferry -K over ssh vs rsync", takeSnapshot(t, rdst), takeSnapshot(t, fdst), compareOpts{ignoreRootMtime: true, since: since})
}
