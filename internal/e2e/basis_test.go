package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// basisCase runs `rsync -a ARGS SRC/ ROOT/new/` and `ferry ARGS SRC/
// ROOT/new/` where each ROOT holds a previous snapshot, prev, made by rsync
// and then changed (other content, other mode, other time, a file gone): the
// classic snapshot backup with --link-dest, and its relatives. "{root}" in
// an argument is replaced by each tool's ROOT.
type basisCase struct {
	name     string
	args     []string
	dest     destKind // staleDest: ROOT/new is pre-populated
	dryRun   bool     // -n: neither tool may change anything
	wantCode int
}

// TestRsyncBasisCompare requires ferry to leave the tree rsync leaves, link
// counts included, and to exit with rsync's code, for --link-dest,
// --compare-dest, --copy-dest and backup directories outside the
// destination.
func TestRsyncBasisCompare(t *testing.T) {
	needFerry(t)
	rsync := needRsync(t)
	cases := []basisCase{
		{name: "link-dest", args: []string{"--link-dest=../prev"}},
		{name: "link-dest-delete", args: []string{"--delete", "--link-dest=../prev"}, dest: staleDest},
		{name: "link-dest-H", args: []string{"-H", "--link-dest=../prev"}},
		{name: "link-dest-absolute", args: []string{"--link-dest={root}/prev"}},
		{name: "link-dest-two", args: []string{"--link-dest=../prev2", "--link-dest=../prev"}},
		{name: "link-dest-missing", args: []string{"--link-dest=../no-such-dir", "--link-dest=../prev"}},
		{name: "link-dest-checksum", args: []string{"-c", "--link-dest=../prev"}},
		{name: "link-dest-dry-run", args: []string{"--link-dest=../prev"}, dryRun: true},
		{name: "link-dest-dry-run-delete", args: []string{"--delete", "--link-dest=../prev"}, dest: staleDest, dryRun: true},
		{name: "compare-dest-dry-run", args: []string{"--compare-dest=../prev"}, dryRun: true},
		{name: "copy-dest-dry-run-delete", args: []string{"--delete", "--copy-dest=../prev"}, dest: staleDest, dryRun: true},
		{name: "backup-dir-outside-dry-run", args: []string{"--delete", "--backup-dir=../bk"}, dest: staleDest, dryRun: true},
		{name: "compare-dest", args: []string{"--compare-dest=../prev"}},
		{name: "compare-dest-H", args: []string{"-H", "--compare-dest=../prev"}},
		{name: "copy-dest-H", args: []string{"-H", "--copy-dest=../prev"}},
		{name: "compare-dest-delete", args: []string{"--delete", "--compare-dest=../prev"}, dest: staleDest},
		{name: "copy-dest", args: []string{"--copy-dest=../prev"}},
		{name: "copy-dest-delete", args: []string{"--delete", "--copy-dest=../prev"}, dest: staleDest},
		{name: "backup-dir-outside", args: []string{"--delete", "--backup-dir=../bk"}, dest: staleDest},
		{name: "backup-dir-outside-nothing-to-back-up", args: []string{"--delete", "--backup-dir=../bk"}},
		{name: "backup-dir-absolute", args: []string{"--delete", "--backup-dir={root}/abs/bk", "--suffix=~"}, dest: staleDest},
		{name: "backup-link-dest", args: []string{"--delete", "-b", "--link-dest=../prev"}, dest: staleDest},
		{name: "mixed-kinds", args: []string{"--link-dest=../prev", "--copy-dest=../prev"}, wantCode: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			skipKnown(t)
			t.Parallel()
			runBasisCompare(t, rsync, c, func(args []string, src, dst string) result {
				return run(t, ferryBin, slices.Concat(args, []string{src, dst})...)
			})
		})
	}
}

// runBasisCompare runs the case with rsync, locally, and with ferry as
// runFerry does it (locally, or over ssh).
func runBasisCompare(t *testing.T, rsync string, c basisCase, runFerry func(args []string, src, dst string) result) {
	src := sharedSource(t, plainTree)
	base := t.TempDir()
	roots := []string{filepath.Join(base, "rsync"), filepath.Join(base, "ferry")}
	for _, root := range roots {
		prepareBasis(t, rsync, src, root, c)
	}
	before := takeSnapshot(t, roots[1])
	since := time.Now().UnixNano()
	var res [2]result
	for i, tool := range []string{rsync, "ferry"} {
		var args []string
		if i == 0 {
			args = append(args, "-a")
		}
		if c.dryRun {
			args = append(args, "-n", "-i")
		}
		for _, a := range c.args {
			args = append(args, strings.ReplaceAll(a, "{root}", roots[i]))
		}
		if i == 0 {
			res[i] = run(t, tool, slices.Concat(args, []string{src + "/", filepath.Join(roots[i], "new") + "/"})...)
		} else {
			res[i] = runFerry(args, src+"/", filepath.Join(roots[i], "new")+"/")
		}
	}
	rr, fr := res[0], res[1]
	if rr.code != c.wantCode {
		t.Fatalf("rsync exit %d, the case expects %d: %v", rr.code, c.wantCode, rr)
	}
	if fr.code != rr.code {
		t.Errorf("exit code: rsync %d, ferry %d\nrsync: %v\nferry: %v", rr.code, fr.code, rr, fr)
	}
	o := compareOpts{since: since, nlink: true, ignoreRootMtime: true}
	requireSameTree(t, "ferry vs rsync", takeSnapshot(t, roots[0]), takeSnapshot(t, roots[1]), o)
	if c.dryRun {
		requireSameTree(t, "ferry -n changed its trees", before, takeSnapshot(t, roots[1]), compareOpts{nlink: true})
		hl := slices.Contains(c.args, "-H")
		if d := lineDiff(itemized(rr.stdout, hl), itemized(fr.stdout, hl)); len(d) > 0 {
			t.Errorf("itemized lines differ (- rsync only, + ferry only):\n%s", strings.Join(d, "\n"))
		}
	}
	if t.Failed() {
		t.Logf("ferry run: %v", fr)
	}
}

// prepareBasis makes root/prev (and root/prev2) from src with rsync, then
// changes them, and pre-populates root/new for a stale destination.
func prepareBasis(t *testing.T, rsync, src, root string, c basisCase) {
	t.Helper()
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"prev", "prev2"} {
		if r := run(t, rsync, "-a", src+"/", filepath.Join(root, p)+"/"); r.code != 0 {
			t.Fatalf("rsync setup: %v", r)
		}
	}
	prev, prev2 := filepath.Join(root, "prev"), filepath.Join(root, "prev2")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	old := time.Unix(0, baseTime-3e9)
	must(os.WriteFile(filepath.Join(prev, "top.txt"), []byte("changed since"), 0o644)) // other data
	must(os.Chmod(filepath.Join(prev, "exec.sh"), 0o700))                              // other mode
	must(os.Chtimes(filepath.Join(prev, "a/b/y.go"), old, old))                        // other time
	must(os.Remove(filepath.Join(prev, "z.tmp")))                                      // gone
	must(os.Remove(filepath.Join(prev, "rel")))                                        // a symlink gone
	must(os.Symlink("elsewhere", filepath.Join(prev, "rel")))                          // ... and back, other target
	must(os.WriteFile(filepath.Join(prev2, "src/main.go"), []byte("prev2 differs"), 0o644))
	must(os.Remove(filepath.Join(prev2, "keep/one")))
	fixed := time.Unix(0, baseTime+7e9)
	for _, p := range []string{"prev/top.txt", "prev", "prev2/src/main.go", "prev2/src", "prev2/keep", "prev2"} {
		tv := unix.NsecToTimeval(fixed.UnixNano())
		must(unix.Lutimes(filepath.Join(root, p), []unix.Timeval{tv, tv}))
	}
	// The other target only: ferry does not itemize symlink times (rsync's "t").
	var st unix.Stat_t
	must(unix.Lstat(filepath.Join(src, "rel"), &st))
	tv := unix.NsecToTimeval(st.Mtim.Nano())
	must(unix.Lutimes(filepath.Join(prev, "rel"), []unix.Timeval{tv, tv}))
	if c.dest == staleDest {
		buildTree(t, filepath.Join(root, "new"), staleNodes(plainTree))
	}
}
