package wire

import (
	"math/bits"
	"os"
	"regexp"
	"strconv"
	"testing"
)

// TestFlagTableDocumented fails when docs/PROTOCOL.md's table of Run flag
// bits does not give every Flag* constant its number and the role that
// acts on it.
func TestFlagTableDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]uint64{
		"recursive": FlagRecursive, "links": FlagLinks, "perms": FlagPerms, "times": FlagTimes, "owner": FlagOwner,
		"group": FlagGroup, "devices": FlagDevices, "specials": FlagSpecials, "hard-links": FlagHardLinks,
		"numeric-ids": FlagNumericIDs, "delete": FlagDelete, "delete-excluded": FlagDeleteExcluded,
		"checksum": FlagChecksum, "size-only": FlagSizeOnly, "ignore-existing": FlagIgnoreExisting, "update": FlagUpdate,
		"whole-file": FlagWholeFile, "inplace": FlagInplace, "one-file-system": FlagOneFileSystem, "mkpath": FlagMkPath,
		"dry-run": FlagDryRun, "events": FlagEvents, "no-totals": FlagNoTotals, "xattrs": FlagXattrs, "acls": FlagACLs,
		"relative": FlagRelative, "strict-paths": FlagStrictPaths, "sparse": FlagSparse, "preallocate": FlagPreallocate,
		"fuzzy": FlagFuzzy, "copy-links": FlagCopyLinks, "copy-unsafe-links": FlagCopyUnsafeLinks,
		"safe-links": FlagSafeLinks, "copy-dirlinks": FlagCopyDirLinks, "keep-dirlinks": FlagKeepDirLinks,
		"prune-empty-dirs": FlagPruneEmptyDirs, "delete-before": FlagDeleteBefore, "delete-after": FlagDeleteAfter,
		"delete-delay": FlagDeleteDelay, "force": FlagForce, "ignore-errors": FlagIgnoreErrors, "existing": FlagExisting,
		"ignore-times": FlagIgnoreTimes, "remove-source": FlagRemoveSource, "backup": FlagBackup,
		"no-implied-dirs": FlagNoImpliedDirs, "delay-updates": FlagDelayUpdates, "temp-dir": FlagTempDir,
		"shard": FlagShard, "cooperate": FlagCooperate,
	}
	rows := regexp.MustCompile("(?m)^\\| (\\d+) \\| `([a-z-]+)` \\| ([a-z]+) \\|.*\\|$").FindAllStringSubmatch(string(doc), -1)
	if len(rows) != len(want) || bits.OnesCount64(KnownFlags) != len(want) {
		t.Errorf("the doc lists %d flags, the code %d (KnownFlags has %d bits)", len(rows), len(want), bits.OnesCount64(KnownFlags))
	}
	for _, r := range rows {
		f, ok := want[r[2]]
		if !ok {
			t.Errorf("the doc lists an unknown flag %q", r[2])
			continue
		}
		switch r[3] {
		case "sender", "receiver", "both", "server", "client":
		default:
			t.Errorf("flag %s: role %q is not sender, receiver, both, server or client", r[2], r[3])
		}
		if n := bits.TrailingZeros64(f); r[1] != strconv.Itoa(n) {
			t.Errorf("flag %s is bit %d, the doc says %s", r[2], n, r[1])
		}
	}
}
