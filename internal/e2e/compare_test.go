package e2e

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/peertest"
)

// destKind is the state of the destination before a run.
type destKind int

const (
	freshDest destKind = iota // does not exist
	staleDest                 // pre-populated by staleNodes
)

// compareCase runs `rsync -a ARGS SRC DST/` and `ferry FERRYARGS SRC DST/`.
type compareCase struct {
	name      string
	args      []string // options for both (rsync gets -a in front)
	ferryArgs []string // ferry's options when they differ from args
	noSlash   bool     // source operand without trailing slash
	dest      destKind
	variant   string // plainTree or fullTree (default)
	// operands, when set, gives the source operands from the source root
	// (replacing SRC and the slash rule).
	operands func(src string) []string
	wantCode int // rsync's exit code (a sanity check of the case itself)
	// extraDest is added to a stale destination.
	extraDest []node
	// destUnder, when set, is appended to the destination operand (a
	// destination whose parents are missing).
	destUnder string
	// argsFor, when set, gives more options for both from the source root.
	argsFor func(src string) []string
	// nlink compares the link count of every non-directory too.
	nlink bool
	// minRsync, when set, is the oldest rsync whose result ferry's is
	// (an option whose meaning rsync changed); an older rsync skips it.
	minRsync [3]int
}

func (c compareCase) ferryOpts() []string {
	if c.ferryArgs != nil {
		return c.ferryArgs
	}
	return c.args
}

// extraArgs are the options argsFor gives for src.
func (c compareCase) extraArgs(src string) []string {
	if c.argsFor == nil {
		return nil
	}
	return c.argsFor(src)
}

// filterSets are the include/exclude rule sets every destination kind is
// tried with.
var filterSets = []struct {
	name string
	args []string
}{
	{"exclude-glob", []string{"--exclude=*.o"}},
	{"anchored", []string{"--exclude=/top.txt", "--exclude=/a/b/", "--exclude=/src/main.o"}},
	{"doublestar", []string{"--exclude=a/**/deep.txt", "--exclude=keep/**/three"}},
	{"only-go", []string{"--include=*/", "--include=**.go", "--exclude=*"}},
	{"dir-only", []string{"--exclude=build/"}},
	{"triple-star", []string{"--include=/keep/***", "--exclude=*"}},
	{"first-match-wins", []string{"--include=important.o", "--exclude=*.o"}},
	{"filter-rules", []string{"--filter=- *.tmp", "--filter=- logs/", "--filter=+ /a/b/c/", "--filter=- /a/b/*"}},
	{"glob-classes", []string{"--exclude=[st]*", "--exclude=?.tmp"}},
}

func compareCases() []compareCase {
	cs := []compareCase{
		{name: "fresh/slash"},
		{name: "fresh/noslash", noSlash: true},
		{name: "fresh/explicit-a", ferryArgs: []string{"-a"}},
		{name: "fresh/verbose-flags", args: []string{"-v"}},
		{name: "stale/slash", dest: staleDest},
		{name: "stale/noslash", dest: staleDest, noSlash: true},
		{name: "stale/delete", dest: staleDest, args: []string{"--delete"}},
		{name: "stale/delete-noslash", dest: staleDest, args: []string{"--delete"}, noSlash: true},
		{name: "fresh/H", args: []string{"-H"}},
		{name: "stale/H-delete", dest: staleDest, args: []string{"-H", "--delete"}},
		{name: "stale/checksum", dest: staleDest, args: []string{"-c"}},
		{name: "stale/checksum-delete-H", dest: staleDest, args: []string{"-c", "--delete", "-H"}},
		{name: "stale/delete-excluded", dest: staleDest, args: []string{"--delete", "--delete-excluded", "--exclude=*.o"}},
		{name: "fresh/single-file", operands: func(src string) []string { return []string{filepath.Join(src, "top.txt")} }},
		{name: "fresh/several-sources", operands: func(src string) []string {
			return []string{filepath.Join(src, "a"), filepath.Join(src, "keep") + "/", filepath.Join(src, "top.txt"), filepath.Join(src, "rel")}
		}},
		{name: "fresh/missing-source", wantCode: 23, operands: func(src string) []string {
			return []string{filepath.Join(src, "no-such-file"), filepath.Join(src, "top.txt")}
		}},
	}
	cs = append(cs, compareCase{name: "fresh/missing-dest-parents", destUnder: "no/such/parents", wantCode: 11})
	cs = append(cs, relativeCases()...)
	cs = append(cs, tweakCases()...)
	for _, b := range []struct {
		name string
		args []string
	}{ // backups beside the files or in a directory inside the destination
		{"backup", []string{"-b"}},
		{"backup-delete", []string{"-b", "--delete"}},
		{"backup-delete-H", []string{"-b", "--delete", "-H"}},
		{"backup-suffix-delete", []string{"--backup", "--suffix=.old", "--delete"}},
		{"backup-dir", []string{"--backup-dir=bk"}},
		{"backup-dir-delete", []string{"--backup-dir=bk", "--delete"}},
		{"backup-dir-suffix-delete", []string{"--backup-dir=old/bk", "--suffix=.1", "--delete"}},
		{"backup-delete-excluded", []string{"-b", "--delete", "--delete-excluded", "--exclude=*.o"}},
		{"backup-inplace", []string{"-b", "--inplace"}},
		{"backup-dir-inplace-delete", []string{"--backup-dir=bk", "--inplace", "--delete"}},
	} {
		cs = append(cs, compareCase{name: "stale/" + b.name, dest: staleDest, args: b.args, nlink: true})
	}
	junk := []node{{path: "private/junk", kind: kFile, data: []byte("junk")}}
	cs = append(cs,
		// rsync will not replace a non-empty directory by a file without
		// --delete: exit 23, the rest transferred.
		compareCase{name: "conflict/nonempty-dir", dest: staleDest, extraDest: junk, wantCode: 23},
		compareCase{name: "conflict/nonempty-dir-delete", dest: staleDest, extraDest: junk, args: []string{"--delete"}},
		// An extraneous directory last in its parent: removed before the
		// parent's time is set, which the removal would change.
		compareCase{name: "stale/delete-dir-last-in-parent", dest: staleDest, args: []string{"--delete"},
			extraDest: []node{{path: "keep/zzz/f", kind: kFile, data: []byte("x")}}},
	)
	cs = append(cs, mergeCases()...) // filter_merge_test.go
	cs = append(cs, deleteCases(junk)...)
	cs = append(cs, delayCases()...) // compare_delay_test.go
	cs = append(cs, selectCases()...)
	for _, fs := range filterSets {
		cs = append(cs,
			compareCase{name: "filter/" + fs.name + "/fresh", args: fs.args},
			compareCase{name: "filter/" + fs.name + "/stale-delete", dest: staleDest, args: append([]string{"--delete"}, fs.args...)},
		)
	}
	return cs
}

// TestRsyncCompare requires ferry to leave exactly the tree rsync leaves,
// and to exit with rsync's code, for each option set and destination kind.
func TestRsyncCompare(t *testing.T) {
	needFerry(t)
	rsync := needRsync(t)
	for _, c := range compareCases() {
		t.Run(c.name, func(t *testing.T) {
			skipKnown(t)
			t.Parallel()
			runCompare(t, rsync, c)
		})
	}
}

func runCompare(t *testing.T, rsync string, c compareCase) {
	if c.minRsync != [3]int{} {
		if v := peertest.Version(t, rsync); !peertest.AtLeast(v, c.minRsync) {
			t.Skipf("rsync %d.%d.%d is older than %d.%d.%d, whose result ferry's is", v[0], v[1], v[2], c.minRsync[0], c.minRsync[1], c.minRsync[2])
		}
	}
	variant := c.variant
	if variant == "" {
		variant = fullTree
	}
	src := sharedSource(t, variant)
	base := t.TempDir()
	rdst, fdst := filepath.Join(base, "rsync"), filepath.Join(base, "ferry")
	prepareDest(t, rdst, src, c)
	prepareDest(t, fdst, src, c)

	since := time.Now().UnixNano()
	operands := []string{src + "/"}
	if c.noSlash {
		operands = []string{src}
	}
	if c.operands != nil {
		operands = c.operands(src)
	}
	rr := run(t, rsync, slices.Concat([]string{"-a"}, c.args, c.extraArgs(src), operands, []string{filepath.Join(rdst, c.destUnder) + "/"})...)
	fr := run(t, ferryBin, slices.Concat(c.ferryOpts(), c.extraArgs(src), operands, []string{filepath.Join(fdst, c.destUnder) + "/"})...)
	if rr.code != c.wantCode {
		t.Fatalf("rsync exit %d, the case expects %d: %v", rr.code, c.wantCode, rr)
	}
	if fr.code != rr.code {
		t.Errorf("exit code: rsync %d, ferry %d\nrsync: %v\nferry: %v", rr.code, fr.code, rr, fr)
	}
	requireSameTree(t, "ferry vs rsync", takeSnapshot(t, rdst), takeSnapshot(t, fdst),
		compareOpts{ignoreRootMtime: c.noSlash || c.operands != nil, since: since, nlink: c.nlink})
	if t.Failed() {
		t.Logf("ferry run: %v", fr)
	}
}

// prepareDest makes dst as the case wants it: absent, or pre-populated
// where the source's content lands.
func prepareDest(t *testing.T, dst, src string, c compareCase) {
	t.Helper()
	if c.dest != staleDest {
		return
	}
	at := dst
	if c.noSlash {
		at = filepath.Join(dst, filepath.Base(src))
		buildTree(t, dst, []node{{path: "outside.txt", kind: kFile, data: []byte("not in the transfer")}})
	}
	variant := c.variant
	if variant == "" {
		variant = fullTree
	}
	buildTree(t, at, append(slices.Clip(staleNodes(variant)), c.extraDest...))
	if c.noSlash {
		buildTree(t, dst, []node{{path: ".", kind: kDir, perm: 0o755, mtime: baseTime}})
	}
}
