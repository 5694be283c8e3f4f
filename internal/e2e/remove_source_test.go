package e2e

import (
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestRsyncCompareRemoveSource runs rsync and ferry with
// --remove-source-files, each on its own copy of the source: both
// destinations and both sources must end the same, with the same exit
// code. Locally, and over ssh pushing and pulling.
func TestRsyncCompareRemoveSource(t *testing.T) {
	needFerry(t)
	rsync := needRsync(t)
	cases := []compareCase{
		{name: "fresh", args: []string{"--remove-source-files"}},
		{name: "stale", dest: staleDest, args: []string{"--remove-source-files"}},
		{name: "stale-H-delete", dest: staleDest, args: []string{"--remove-source-files", "-H", "--delete"}},
		{name: "stale-H-delay-updates", dest: staleDest, args: []string{"--remove-source-files", "-H", "--delay-updates"}},
		{name: "stale-max-size", dest: staleDest, args: []string{"--remove-source-files", "--max-size=1K"}},
		{name: "stale-existing", dest: staleDest, args: []string{"--remove-source-files", "--existing"}},
		{name: "stale-dry-run", dest: staleDest, args: []string{"--remove-source-files", "-n"}},
		{name: "stale-noslash", dest: staleDest, noSlash: true, args: []string{"--remove-source-files"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			runRemoveSource(t, rsync, c, nil)
		})
	}
}

// TestSSHRemoveSource is TestRsyncCompareRemoveSource over ssh.
func TestSSHRemoveSource(t *testing.T) {
	s := startSSH(t)
	rsync := needRsync(t)
	c := compareCase{dest: staleDest, variant: plainTree, args: []string{"--remove-source-files", "-H"}}
	for _, push := range []bool{true, false} {
		name := "pull"
		if push {
			name = "push"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runRemoveSource(t, rsync, c, func(src, dst string, args []string) result {
				if push {
					dst = s.Host + ":" + dst
				} else {
					src = s.Host + ":" + src
				}
				return ferrySSH(t, s.RSH(), slices.Concat(args, []string{src, dst})...)
			})
		})
	}
}

// runRemoveSource compares one case; runFerry, if not nil, runs ferry
// (over ssh) instead of the local binary.
func runRemoveSource(t *testing.T, rsync string, c compareCase, runFerry func(src, dst string, args []string) result) {
	variant := c.variant
	if variant == "" {
		variant = fullTree
	}
	base := t.TempDir()
	rsrc, fsrc := filepath.Join(base, "rsrc", "src"), filepath.Join(base, "fsrc", "src")
	buildTree(t, rsrc, sourceNodes(variant))
	buildTree(t, fsrc, sourceNodes(variant))
	before := takeSnapshot(t, rsrc)
	rdst, fdst := filepath.Join(base, "rsync"), filepath.Join(base, "ferry")
	prepareDest(t, rdst, rsrc, c)
	prepareDest(t, fdst, fsrc, c)
	since := time.Now().UnixNano()
	op := func(src string) string {
		if c.noSlash {
			return src
		}
		return src + "/"
	}
	rr := run(t, rsync, slices.Concat([]string{"-a"}, c.args, []string{op(rsrc), rdst + "/"})...)
	var fr result
	if runFerry != nil {
		fr = runFerry(op(fsrc), fdst+"/", c.args)
	} else {
		fr = run(t, ferryBin, slices.Concat(c.args, []string{op(fsrc), fdst + "/"})...)
	}
	if rr.code != c.wantCode {
		t.Fatalf("rsync exit %d, the case expects %d: %v", rr.code, c.wantCode, rr)
	}
	if removed := len(diffSnapshots(before, takeSnapshot(t, rsrc), compareOpts{})) > 0; removed == slices.Contains(c.args, "-n") {
		t.Fatalf("rsync removed source files: %v, with -n: %v", removed, slices.Contains(c.args, "-n"))
	}
	if fr.code != rr.code {
		t.Errorf("exit code: rsync %d, ferry %d\nrsync: %v\nferry: %v", rr.code, fr.code, rr, fr)
	}
	o := compareOpts{ignoreRootMtime: c.noSlash, since: since}
	requireSameTree(t, "destination, ferry vs rsync", takeSnapshot(t, rdst), takeSnapshot(t, fdst), o)
	requireSameTree(t, "source left, ferry vs rsync", takeSnapshot(t, rsrc), takeSnapshot(t, fsrc), o)
	if t.Failed() {
		t.Logf("ferry run: %v", fr)
	}
}
