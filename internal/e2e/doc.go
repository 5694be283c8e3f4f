// Package e2e holds ferry's end-to-end proof. It has no library code: its
// tests build the ferry binary once (TestMain), generate directory trees
// with every kind of entry rsync users meet (odd names, symlinks, hard
// links, setgid directories, nanosecond times, sparse files, FIFOs), and
// check ferry against the real rsync and against crashes:
//
//   - TestRsyncCompare runs `rsync -a OPTS` and `ferry OPTS` on the same
//     source into twin destinations (fresh or pre-populated with stale and
//     extra files) and requires identical resulting trees and exit codes.
//     A tree is compared by type, mode, owner, size, mtime (ns), content,
//     symlink target and hard-link groups.
//   - TestDryRunItemize compares `-n -i` output lines with rsync's and
//     checks that a dry run leaves the destination untouched.
//   - TestCrashSIGKILL kills ferry with SIGKILL at random moments of an
//     update, many times, and checks every destination file is always its
//     old or its new version, never a mix; a final run must finish the job.
//   - TestWatchBesideLsyncd runs lsyncd and `ferry watch` on one source
//     through the same changes (create, write, rename, delete, a directory
//     moved): both replicas must equal the source as rsync sees it.
//
// Heavy variants run with FERRY_E2E_LONG=1. FERRY_E2E_BIN runs the suite
// against a prebuilt binary instead of building one (a script running
// `rsync -a "$@"` must pass TestRsyncCompare: that checks the harness). Under CI=true a missing rsync
// fails the suite instead of skipping it. The benchmark scripts comparing
// ferry's speed and memory with rsync's live in bench/.
package e2e
