// Package fsys performs every write ferry makes on a destination tree or a
// daemon module, confined to one directory with os.Root.
//
// A Root is a destination directory. All names given to its methods are
// slash-separated paths relative to that directory; names containing "..",
// an empty or "." component, a leading "/" or a NUL byte are rejected with
// ErrUnsafePath before any system call. Methods never follow a symlink in the
// final component of a name, and intermediate components are resolved
// through os.Root, so a symlink planted inside the destination cannot make a
// write land outside it. Where fsys calls the *at system calls itself, it
// first opens the parent directory, with openat2(RESOLVE_BENEATH) on Linux
// (one system call, the same guarantee) or else through os.Root, and then
// operates on the single final component with AT_SYMLINK_NOFOLLOW (or
// O_NOFOLLOW). The parent directories of recent names stay open (a small
// cache, emptied by anything that may move or remove a directory: Remove,
// RemoveAll, Rename), so consecutive files of one directory open it once.
//
// Regular files are written to a temp file in the same directory and renamed
// over the real name when complete:
//
//	t, err := root.CreateTemp("dir/file")     // creates dir/.file.<random>.ferry-tmp
//	io.Copy(t, data)                           // or t.WriteAt, t.CopyFrom(fd, n)
//	err = t.Commit(meta, preserve)             // [fchown, fchmod,] futimens, rename
//	// or t.Abort() to drop it, t.KeepPartial("") to keep the data for a resume
//
// Commit checks the file with fstat and skips an owner or mode it already
// has; CreateTempPerm creates the temp file with its final permissions, so
// the chmod is usually skipped. For a name that does not exist yet,
// CreateNew writes an unnamed file (O_TMPFILE on Linux) that Commit links
// into place: one directory update instead of a create and a rename, and
// nothing at all is left behind by a crash. A new file then costs about six
// system calls.
//
// A crash therefore leaves at most a temp file (see IsTempName), never a
// half-written file under the real name; the next run that lists its
// directory removes it (RemoveStaleTemp: a temp file older than that run
// whose flock, taken by CreateTemp, no live process holds; stale.go). Nothing is fsynced unless
// Preserve.Fsync is set: like rsync without --fsync, ferry relies on the
// rename for atomicity, not durability, which keeps small-file throughput
// high. Symlinks, hard links and special files are also created under a temp
// name and renamed into place, so an existing entry of another kind
// (except a directory) is replaced atomically. A directory standing where a
// non-directory must go makes the operation fail (rename(2) gives EISDIR or
// ENOTEMPTY); the caller deletes it first with RemoveAll.
//
// Two operations take a second Root: LinkFrom hard-links a file of another
// Root (a --link-dest directory, only ever read) into this one, and Backup
// renames or hard-links an entry to its backup name in this Root or another
// (a --backup-dir outside the destination). Each name is resolved in its own
// Root with the same rules, so neither can reach outside either directory.
//
// Cooperating processes (--cooperate) claim a file before moving it: Claim
// creates ".<base>.ferry-claim" beside it under an flock that the kernel
// drops when the holder dies, Release removes it; RemoveStaleClaim drops
// one nobody holds (claim.go, docs/COOPERATION.md).
//
// Interrupted transfers may keep their data in a partial directory
// (DefaultPartialDir, ".ferry-partial", inside the file's directory) under
// the file's own name, where OpenPartial finds it on the next run: as a
// delta basis, or, with ResumePartial, as the start of the new temp file
// (a resumed local copy). RemovePartial drops it once the file is
// committed, CleanPartials the data no file took up; both remove the
// partial directory when it is left empty.
//
// With SetTempDir, temp files are made in another directory (rsync's -T),
// a Root of its own; Commit renames them from there, or, when that
// directory is on another filesystem (EXDEV), copies the file to a temp
// file beside its name and renames that, so the name never holds a
// half-written file (tempdir.go). For --delay-updates, CommitHeld commits
// a file complete to its partial path instead of its name (CreateHeldTemp
// writes it in the partial directory to begin with), and Unhold later
// renames it into place (hold.go).
//
// With --inplace, OpenInplace writes the destination file directly. That is
// not crash-safe: an interruption leaves a mix of old and new data under the
// real name.
package fsys
