package e2e

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestDryRunItemize runs `rsync -a -n -i OPTS` and `ferry -n -i OPTS` on
// twin destinations: neither may change its destination, the exit codes
// must agree, and so must the itemized lines (as sorted sets).
func TestDryRunItemize(t *testing.T) {
	needFerry(t)
	rsync := needRsync(t)
	tests := []struct {
		name     string
		args     []string
		dest     destKind
		upToDate bool // destination made equal to the source first (by rsync)
		variant  string
	}{
		{name: "fresh", variant: plainTree},
		{name: "stale", dest: staleDest, variant: plainTree},
		{name: "stale-delete", dest: staleDest, args: []string{"--delete"}, variant: plainTree},
		{name: "stale-delete-H", dest: staleDest, args: []string{"--delete", "-H"}, variant: plainTree},
		{name: "stale-checksum", dest: staleDest, args: []string{"-c"}, variant: plainTree},
		{name: "stale-delete-exclude", dest: staleDest, args: []string{"--delete", "--exclude=*.o", "--exclude=logs/"}, variant: plainTree},
		{name: "up-to-date", upToDate: true, args: []string{"--delete"}, variant: plainTree},
		{name: "stale-backup-delete", dest: staleDest, args: []string{"-b", "--delete"}, variant: plainTree},
		{name: "stale-backup-dir-delete", dest: staleDest, args: []string{"--backup-dir=bk", "--suffix=.old", "--delete"}, variant: plainTree},
		{name: "fresh-odd-names", variant: fullTree},
		{name: "stale-delete-odd-names", dest: staleDest, args: []string{"--delete"}, variant: fullTree},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := sharedSource(t, tc.variant)
			c := compareCase{dest: tc.dest, variant: tc.variant}
			base := t.TempDir()
			rdst, fdst := filepath.Join(base, "rsync"), filepath.Join(base, "ferry")
			for _, d := range []string{rdst, fdst} {
				prepareDest(t, d, src, c)
				if tc.upToDate {
					if r := run(t, rsync, "-a", src+"/", d+"/"); r.code != 0 {
						t.Fatalf("rsync setup: %v", r)
					}
				}
			}
			rbefore, fbefore := takeSnapshot(t, rdst), takeSnapshot(t, fdst)
			rr := run(t, rsync, slices.Concat([]string{"-a", "-n", "-i"}, tc.args, []string{src + "/", rdst + "/"})...)
			fr := run(t, ferryBin, slices.Concat([]string{"-n", "-i"}, tc.args, []string{src + "/", fdst + "/"})...)
			if rr.code != 0 {
				t.Fatalf("rsync: %v", rr)
			}
			if fr.code != rr.code {
				t.Errorf("exit code: rsync %d, ferry %d\nferry: %v", rr.code, fr.code, fr)
			}
			requireSameTree(t, "rsync -n changed its destination", rbefore, takeSnapshot(t, rdst), compareOpts{})
			requireSameTree(t, "ferry -n changed its destination", fbefore, takeSnapshot(t, fdst), compareOpts{})
			hl := slices.Contains(tc.args, "-H")
			rl, fl := itemized(rr.stdout, hl), itemized(fr.stdout, hl)
			if len(rl) == 0 && !tc.upToDate {
				t.Fatalf("rsync itemized nothing: %v", rr)
			}
			if d := lineDiff(rl, fl); len(d) > 0 {
				errorfUnlessKnown(t, "TestDryRunItemize/itemized", "itemized lines differ (- rsync only, + ferry only):\n%s\nferry stdout:\n%s",
					strings.Join(d, "\n"), fr.stdout)
			}
		})
	}
}

// TestStats compares the totals of `--stats` that do not depend on the
// protocol: files transferred, created and deleted, and the total size.
func TestStats(t *testing.T) {
	needFerry(t)
	rsync := needRsync(t)
	src := sharedSource(t, plainTree)
	for _, c := range []compareCase{
		{name: "fresh", variant: plainTree},
		{name: "stale-delete", dest: staleDest, variant: plainTree, args: []string{"--delete"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			base := t.TempDir()
			rdst, fdst := filepath.Join(base, "rsync"), filepath.Join(base, "ferry")
			prepareDest(t, rdst, src, c)
			prepareDest(t, fdst, src, c)
			rr := run(t, rsync, slices.Concat([]string{"-a", "--stats"}, c.args, []string{src + "/", rdst + "/"})...)
			fr := run(t, ferryBin, slices.Concat([]string{"--stats"}, c.args, []string{src + "/", fdst + "/"})...)
			if rr.code != 0 || fr.code != 0 {
				t.Fatalf("exit codes rsync %d, ferry %d\nrsync: %v\nferry: %v", rr.code, fr.code, rr, fr)
			}
			for _, key := range []string{
				"Number of created files", "Number of deleted files",
				"Number of regular files transferred", "Total file size",
			} {
				want, got := statValue(rr.stdout, key), statValue(fr.stdout, key)
				if want == "" {
					t.Fatalf("rsync printed no %q: %v", key, rr)
				}
				if got != want {
					errorfUnlessKnown(t, "TestStats/total-size", "%s: rsync %q, ferry %q", key, want, got)
				}
			}
			if t.Failed() {
				t.Logf("ferry: %v", fr)
			}
		})
	}
}

// statValue returns the number on the line "KEY: N ..." of out, without
// thousands separators, or "" when there is no such line.
func statValue(out, key string) string {
	for l := range strings.SplitSeq(out, "\n") {
		rest, ok := strings.CutPrefix(l, key+": ")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			return ""
		}
		return strings.ReplaceAll(f[0], ",", "")
	}
	return ""
}
