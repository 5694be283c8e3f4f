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
		{name: "stale-delete-before", dest: staleDest, args: []string{"--delete-before"}, variant: plainTree},
		{name: "stale-delete-after", dest: staleDest, args: []string{"--delete-after"}, variant: plainTree},
		{name: "stale-delete-delay-exclude", dest: staleDest, args: []string{"--delete-delay", "--exclude=*.o", "--exclude=logs/"}, variant: plainTree},
		{name: "stale-force", dest: staleDest, args: []string{"--force"}, variant: plainTree},
		{name: "stale-existing-delete", dest: staleDest, args: []string{"--existing", "--delete"}, variant: plainTree},
		{name: "stale-size-limits", dest: staleDest, args: []string{"--min-size=100", "--max-size=2K"}, variant: plainTree},
		{name: "stale-modify-window", dest: staleDest, args: []string{"--modify-window=10"}, variant: plainTree},
		{name: "stale-checksum", dest: staleDest, args: []string{"-c"}, variant: plainTree},
		{name: "stale-delete-exclude", dest: staleDest, args: []string{"--delete", "--exclude=*.o", "--exclude=logs/"}, variant: plainTree},
		{name: "up-to-date", upToDate: true, args: []string{"--delete"}, variant: plainTree},
		{name: "stale-backup-delete", dest: staleDest, args: []string{"-b", "--delete"}, variant: plainTree},
		{name: "stale-backup-dir-delete", dest: staleDest, args: []string{"--backup-dir=bk", "--suffix=.old", "--delete"}, variant: plainTree},
		{name: "fresh-odd-names", variant: fullTree},
		{name: "stale-delete-odd-names", dest: staleDest, args: []string{"--delete"}, variant: fullTree},
		{name: "stale-delete-F", dest: staleDest, args: []string{"--delete", "-F"}, variant: mergeTree},
		{name: "stale-delete-C", dest: staleDest, args: []string{"--delete", "-C"}, variant: mergeTree},
		// Not on a stale destination with --delete: rsync -n then itemizes
		// nested extraneous directories that hold excluded files both as
		// deleted and as non-empty, with or without -m.
		{name: "fresh-m", args: []string{"-m", "--include=*/", "--include=*.go", "--exclude=*"}, variant: mergeTree},
		{name: "stale-m", dest: staleDest, args: []string{"-m", "--exclude=*.txt"}, variant: mergeTree},
		{name: "stale-protect-hide", dest: staleDest, args: []string{"--delete", "--filter=P extra.txt", "--filter=H *.o", "--filter=-r logs/"}, variant: mergeTree},
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
// protocol: files transferred, created and deleted, and the total size,
// whose line must be the same to the character at every --human-readable
// level (-h: 1.23M, -hh: powers of 1024, --no-h: digits).
func TestStats(t *testing.T) {
	needFerry(t)
	rsync := needRsync(t)
	src := sharedSource(t, plainTree)
	for _, c := range []compareCase{
		{name: "fresh", variant: plainTree},
		{name: "stale-delete", dest: staleDest, variant: plainTree, args: []string{"--delete"}},
		{name: "fresh-h", variant: plainTree, args: []string{"-h"}},
		{name: "fresh-hh", variant: plainTree, args: []string{"-hh"}},
		{name: "fresh-no-h", variant: plainTree, args: []string{"--no-h"}},
		{name: "fresh-avh", variant: plainTree, args: []string{"-avh"}},
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
			for _, key := range []string{"Total file size", "Literal data"} {
				if want, got := statLine(rr.stdout, key), statLine(fr.stdout, key); got != want {
					t.Errorf("rsync printed %q, ferry %q", want, got)
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

// statLine returns the line "KEY: ..." of out, or "" when there is none.
func statLine(out, key string) string {
	for l := range strings.SplitSeq(out, "\n") {
		if strings.HasPrefix(l, key+": ") {
			return l
		}
	}
	return ""
}
