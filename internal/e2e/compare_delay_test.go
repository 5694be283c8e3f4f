package e2e

import (
	"os"

	"golang.org/x/sys/unix"
)

// delayCases are the comparisons of --delay-updates and -T/--temp-dir:
// fresh and stale destinations, with --delete, -n and -H, a temp directory
// on the destination's filesystem and on another one (/dev/shm, when it
// is another filesystem: rsync then copies, ferry copies to a temp file
// beside the name), and the refusals (exit 1): --inplace with
// --delay-updates, a temp directory that does not exist.
func delayCases() []compareCase {
	cs := []compareCase{
		{name: "fresh/delay-updates", args: []string{"--delay-updates"}},
		{name: "stale/delay-updates", dest: staleDest, args: []string{"--delay-updates"}},
		{name: "stale/delay-updates-delete", dest: staleDest, args: []string{"--delay-updates", "--delete"}},
		{name: "stale/delay-updates-delete-after-H", dest: staleDest, args: []string{"--delay-updates", "--delete-after", "-H"}, nlink: true},
		{name: "stale/delay-updates-dry-run", dest: staleDest, args: []string{"-n", "--delay-updates", "--delete"}},
		{name: "stale/delay-updates-partial-dir", dest: staleDest, args: []string{"--delay-updates", "--partial-dir=.pd", "--delete"}},
		{name: "stale/delay-updates-backup", dest: staleDest, args: []string{"--delay-updates", "-b", "--delete"}, nlink: true},
		// A partial directory the user named that is also a directory of
		// the tree, holding a file of the destination's own: rsync
		// excludes it (not sent, not deleted) and keeps the file; ferry
		// deleted both before.
		{name: "stale/partial-dir-is-tree-dir", dest: staleDest, args: []string{"--partial-dir=owned-dir", "--delete"},
			extraDest: []node{{path: "owned-dir", kind: kDir, perm: 0o755, mtime: baseTime}, {path: "owned-dir/mine", kind: kFile, perm: 0o644, mtime: baseTime, data: []byte("keep me")}}},
		{name: "stale/delay-updates-inplace", dest: staleDest, args: []string{"--delay-updates", "--inplace"}, wantCode: 1},
		{name: "fresh/temp-dir-missing", args: []string{"-T", "nosuch"}, wantCode: 1},
		{name: "stale/temp-dir-inside", dest: staleDest, args: []string{"-T", ".tmpd"},
			extraDest: []node{{path: ".tmpd", kind: kDir, perm: 0o755, mtime: baseTime}}},
		{name: "stale/temp-dir-same-fs-delete", dest: staleDest, args: []string{"-T", os.TempDir(), "--delete"}},
		{name: "stale/temp-dir-dry-run", dest: staleDest, args: []string{"-n", "-T", os.TempDir(), "--delete"}},
		{name: "stale/temp-dir-delay-updates", dest: staleDest, args: []string{"-T", os.TempDir(), "--delay-updates", "--delete"}},
	}
	if otherFS() {
		cs = append(cs,
			compareCase{name: "stale/temp-dir-other-fs", dest: staleDest, args: []string{"-T", "/dev/shm", "--delete"}},
			compareCase{name: "fresh/temp-dir-other-fs-delay-updates", args: []string{"-T", "/dev/shm", "--delay-updates"}},
		)
	}
	return cs
}

// otherFS reports whether /dev/shm is on another filesystem than the
// temp directory the tests write in.
func otherFS() bool {
	var a, b unix.Stat_t
	return unix.Stat(os.TempDir(), &a) == nil && unix.Stat("/dev/shm", &b) == nil && a.Dev != b.Dev
}
