package tree

import (
	"errors"
	"io"
	"os"

	"github.com/ferrysync/ferry/internal/fsys"
)

// ErrWalkerClosed is returned by Next after Close.
var ErrWalkerClosed = errors.New("ferry: walker closed")

// WalkOptions control a Walker. The zero value walks the top level of the
// root only (rsync -d "./"); set Recursive for a full walk.
type WalkOptions struct {
	// Start is the slash-separated path inside the root where the walk
	// begins; "" and "." mean the root itself.
	Start string

	// Prefix names the start entry and, through it, every entry of the
	// walk; it implements rsync's two trailing-slash forms:
	//
	//   - Prefix "" ("src/": send the contents): the start entry has Path
	//     "." and its contents are "a", "a/b", ... A start symlink is
	//     followed (inside the root), as rsync follows "link/".
	//   - Prefix "src" ("src": send the directory itself): the start entry
	//     has Path "src" and its contents "src/a", "src/a/b", ... A start
	//     symlink is returned as a symlink, and the start entry is subject
	//     to the Filter like any other.
	//
	// Prefix must pass ValidPath when not empty; it may hold several
	// components (rsync -R style).
	Prefix string

	// Recursive descends into directories (rsync -r). Without it only the
	// start entry is returned and, when Prefix is "" and the start is a
	// directory, its immediate children, without descending (rsync -d
	// with "src/").
	Recursive bool

	// OneFileSystem does not descend into directories on another device
	// than the start entry (rsync -x); the mount-point directory itself is
	// still returned.
	OneFileSystem bool

	// Filter excludes entries during the walk; the contents of an excluded
	// directory are never read. Nil includes everything. Its DirMerge
	// rules read their file in every directory walked (through the root,
	// never following a symlink out of it): in the start directory, below
	// it, and in the directories from MergeFrom down to the start's
	// parent; a file name with a leading "/" is also read in every
	// directory from the root down to the start. A merge file that cannot
	// be read or parsed goes to OnError with its directory, whose contents
	// are then not walked.
	Filter *Filter

	// ShowProtected returns the entries that a receiver-only rule
	// (protect, "-r") or a perishable rule excludes, with Entry.Protected
	// (and Entry.Perishable) set, and walks such a directory unless
	// SkipDir: a receiver deletes none of them, unless perishable inside a
	// directory it deletes, and what the sender sends into such a
	// directory is compared with the destination's contents, as in rsync.
	ShowProtected bool

	// MergeFrom is the entry path of the top transfer directory, the
	// first whose per-directory merge files the walk reads when it starts
	// below it (with Start equal to Prefix); "" reads none above the
	// start.
	MergeFrom string

	// Checksum computes Entry.Checksum (BLAKE3-256) of every regular file.
	Checksum bool

	// NumericIDs leaves Entry.User and Entry.Group empty.
	NumericIDs bool

	// Xattrs selects the extended attributes read into Entry.Xattrs (-X,
	// -A); zero reads none. A failure to read them is reported to OnError
	// and the entry returned without them.
	Xattrs fsys.XattrSet

	// OnError, if not nil, receives per-entry errors: a directory that
	// cannot be opened or read, an entry that vanished between readdir and
	// lstat, a file whose checksum cannot be computed. The walk goes on.
	// OnError is called from within Next, before Next returns the entry
	// that follows path in canonical order, so a caller can forward the
	// error in-stream (a receiver must not delete what an error covers).
	OnError func(path string, err error)

	// Follow says which symlinks the walk follows, returning what they
	// point at under their own names; the zero value follows none. A
	// followed directory that is already open on the walk's path (a loop)
	// is reported (ErrLinkLoop) and skipped.
	Follow FollowLinks

	// Dirs, if not nil, supplies directories read ahead of the walk (by a
	// Prefetcher warming the caches), so that the walk need not read or
	// stat again what was just read; the walk reads and stats itself what
	// it has no result for.
	Dirs DirSource
}

// DirKey names one state of a directory: its device and inode, and its
// modification and status change times. Adding, removing or renaming an
// entry in it changes both; the change time cannot be set back, so a
// listing read before such a change does not match (within the
// filesystem's timestamp granularity). A file changed in place does not
// change its directory: its result is as old as the read ahead, like any
// walk's view of a tree that changes under it.
type DirKey struct {
	Dev, Ino     uint64
	MTime, CTime int64 // nanoseconds
}

// Walker returns the entries of a tree one at a time in canonical order
// (see Compare). It holds the sorted name lists and the descriptors of the
// directories currently open on the path from the start to the current
// entry, never the whole tree. A Walker is not safe for concurrent use.
type Walker struct {
	root *os.Root
	opts WalkOptions
	w    walkState
}

// NewWalker returns a Walker over root with the given options. All access
// goes through root or through directory descriptors opened via root, and
// symlinks are never followed below the start, so the walk cannot leave the
// root. Errors opening the start are returned by the first Next.
func NewWalker(root *os.Root, opts WalkOptions) *Walker {
	return &Walker{root: root, opts: opts}
}

// Next returns the next entry in canonical order, or io.EOF after the last.
// Per-entry problems go to WalkOptions.OnError and are skipped; an error
// returned by Next (other than io.EOF) is fatal and sticky: the start could
// not be opened, or the walker was closed. The returned Entry belongs to
// the caller.
func (w *Walker) Next() (*Entry, error) { return w.next() }

// SkipDir tells the walker not to descend into the directory most recently
// returned by Next. It has no effect if that entry is not a directory.
func (w *Walker) SkipDir() {
	if d := w.w.pending; d != nil {
		w.skip(d)
	}
	w.dropPending()
}

// Close releases the walker's open directories. Next returns
// ErrWalkerClosed afterwards. Close is safe to call more than once and
// after io.EOF.
func (w *Walker) Close() error {
	w.closeAll()
	if w.w.err == nil || errors.Is(w.w.err, io.EOF) {
		w.w.err = ErrWalkerClosed
	}
	w.w.started = true
	return nil
}
