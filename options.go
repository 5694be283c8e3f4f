package ferry

import (
	"io"
	"log/slog"
	"time"
)

// Options control a Sync. The zero value is not archive mode; use
// DefaultOptions for ferry's defaults (archive mode on), then adjust.
type Options struct {
	// What to preserve.
	Recursive  bool // descend into directories (-r)
	Links      bool // copy symlinks as symlinks (-l)
	Perms      bool // preserve permission bits (-p)
	Times      bool // preserve modification times (-t)
	Owner      bool // preserve owner (-o; effective only as root)
	Group      bool // preserve group (-g)
	Devices    bool // recreate device files (--devices; root only)
	Specials   bool // recreate FIFOs and sockets (--specials)
	HardLinks  bool // preserve hard links (-H)
	NumericIDs bool // do not map uid/gid by name (--numeric-ids)
	// Xattrs preserves extended attributes (-X): the user namespace, and
	// as root the trusted and security ones too.
	Xattrs bool
	// ACLs preserves POSIX ACLs (-A; implies Perms). The ids in them are
	// kept as numbers, as with NumericIDs.
	ACLs bool

	// Symlinks (docs/LINKS.md).
	CopyLinks       bool // send what every symlink points at instead (-L)
	CopyUnsafeLinks bool // the same for symlinks pointing outside the tree (--copy-unsafe-links)
	SafeLinks       bool // ignore incoming symlinks pointing outside the tree (--safe-links)
	CopyDirLinks    bool // send symlinks to directories as the directories (-k)
	// KeepDirLinks takes a symlink to a directory in the destination for
	// that directory when a directory arrives under its name (-K); one
	// leading outside the destination is refused.
	KeepDirLinks bool

	// What to transfer.
	Delete         bool // delete extraneous destination files (--delete)
	DeleteExcluded bool // also delete excluded destination files
	// DeleteTiming says when Delete deletes: during the transfer (the
	// default), before it, or after it.
	DeleteTiming DeleteTiming
	// MaxDelete limits Delete to that many deletions (--max-delete); the
	// rest are skipped and Sync returns an error matching ErrMaxDelete.
	// 0: no limit; negative: no deletion at all (rsync's --max-delete=0).
	// With a limit, deletions wait for the end of the transfer (as with
	// DeleteAfter), to be done in rsync's order: the limit stops on the
	// entries rsync's would.
	MaxDelete int64
	// Force removes a non-empty directory that a non-directory replaces,
	// even without Delete (--force).
	Force bool
	// IgnoreErrors lets Delete delete under a source path that could not
	// be read (--ignore-errors); by default that subtree is left alone.
	IgnoreErrors bool
	// Existing creates nothing on the destination, only updates what is
	// there (--existing).
	Existing bool
	// MinSize and MaxSize skip regular files smaller or larger than them
	// (--min-size, --max-size); 0: no limit; a negative MaxSize lets only
	// empty files through (rsync's --max-size=0).
	MinSize, MaxSize int64
	IgnoreTimes      bool // transfer files even when size and mtime match (-I)
	// ModifyWindow is rsync's --modify-window: mtimes are equal when their
	// whole seconds differ by at most this many; negative compares them to
	// the nanosecond, which DefaultOptions picks (rsync's default is 0).
	ModifyWindow int
	// RemoveSource removes each source file (never a directory) once the
	// destination has it, unchanged since it was sent
	// (--remove-source-files).
	RemoveSource bool
	// Filters are rsync filter rules in order, e.g. "- *.o", "+ /src/**",
	// "P keep/", ": .rsync-filter", "-C". Merge files ("merge FILE") and
	// the CVS lists of "-C" are read by the client; per-directory merge
	// files by the walks, inside the trees.
	Filters        []string
	PruneEmptyDirs bool // send no directory that would be empty after filtering (-m)
	Checksum       bool // compare by BLAKE3 checksum, not size and mtime (-c)
	SizeOnly       bool // compare by size only (--size-only)
	IgnoreExisting bool // skip files that exist at the destination
	Update         bool // skip files that are newer at the destination (-u)
	WholeFile      bool // never use the delta algorithm (-W)
	// DeltaLocal uses the delta algorithm even when both sides are local
	// (--no-whole-file); by default local copies are whole-file, as in rsync.
	DeltaLocal    bool
	Inplace       bool // write updated files in place (--inplace)
	OneFileSystem bool // do not cross filesystem boundaries (-x)
	MkPath        bool // create the destination's missing parents (--mkpath)
	// Relative keeps each source's path in the destination (-R): below
	// "/" for an absolute source, "." for a relative one, or the
	// directory before a "/./" in it; its parents are created as implied
	// directories, and only what the sources name is compared or deleted.
	Relative bool
	// FilesFrom, when not nil, lists the paths to transfer, one per line
	// (NUL-terminated with From0), relative to the single source
	// directory (--files-from): as with Relative, their parents are
	// implied and nothing else is compared or deleted. Directories are
	// descended into only with Recursive (the CLI turns it off unless -r
	// is given). Leading slashes are dropped; ".." is refused. It is read
	// as the transfer goes, in batches.
	FilesFrom io.Reader
	From0     bool // FilesFrom's names end with NUL, not newline (--from0)
	// NoImpliedDirs, with Relative, sends no implied parent directories:
	// the destination creates those missing with default attributes and
	// leaves existing ones, a symlink among them, alone (--no-implied-dirs).
	NoImpliedDirs bool

	// ListOnly lists the sources instead of copying them (--list-only):
	// EventListed for each entry; the destination is not used (SyncMany
	// takes "" for it).
	ListOnly bool
	// Fuzzy gives a new file a basis for the delta algorithm: a file of
	// the same directory with the same size and time, or a similar name
	// (-y/--fuzzy).
	Fuzzy bool
	// Sparse writes blocks of zeros as holes (-S); Preallocate reserves
	// each file's disk space before writing it (--preallocate; not with
	// Sparse).
	Sparse, Preallocate bool

	// Chmod changes the permissions of the entries as though the sender
	// had them: rsync's --chmod values, e.g. "Dg+s,ug+w,Fo-w,+X" or
	// "D755,F644".
	Chmod []string
	// UserMap and GroupMap change owners and groups as though the sender
	// had them (--usermap, --groupmap; --chown USER:GROUP is "*:USER"
	// and "*:GROUP"): comma-separated FROM:TO rules, FROM a name, a
	// wildcard, a number or a range LOW-HIGH, TO a name or a number.
	UserMap, GroupMap string
	DryRun            bool // show what would change, change nothing (-n)

	// PartialDir is where an interrupted transfer keeps the data it
	// received (relative to the file's directory), for the next run to use
	// as the file's basis; "" means ".ferry-partial". With Inplace the file
	// itself holds what was received. An absolute PartialDir (which rsync
	// allows) is refused: it would be outside the destination's os.Root.
	PartialDir string

	// TempDir (-T) is the directory the receiver writes its temp files
	// in, relative to the destination directory unless absolute; each
	// complete file is then renamed into place (copied to a temp file
	// beside its name first when TempDir is on another filesystem). In a
	// daemon module it stays inside the module.
	TempDir string
	// DelayUpdates holds every updated file, complete, in the partial
	// directory of its directory (".~tmp~" unless PartialDir says
	// otherwise) and renames them all into place at the end of the
	// transfer. A run cut short leaves them there for the next run.
	// It cannot be combined with Inplace.
	DelayUpdates bool

	// Cooperation (docs/COOPERATION.md). Shard and Shards split the tree
	// into Shards disjoint parts by a hash of each path (--shard K/N,
	// 0 <= K < N) and make this run handle part Shard only: its files,
	// every directory, and the deletion of extraneous entries of its
	// part; N runs, in any order or at once, do what one run does.
	// Shards 0 is the whole tree.
	Shard, Shards int
	// Parallel runs that many shards of this run at once (--parallel N),
	// each a session over its own connection, with summed stats and one
	// progress; 0 or 1: one session.
	Parallel int
	// Cooperate claims each file in the destination before moving it, so
	// that several processes syncing into one destination (each from its
	// own copy of the source) move each file once; a process's files are
	// taken over by the others when it dies (--cooperate).
	Cooperate bool

	// Backup renames each destination entry that is replaced or deleted to
	// a backup name first (-b): its name plus Suffix, beside it or, with
	// BackupDir, at its relative path under BackupDir (a BackupDir implies
	// Backup). BackupDir is relative to the destination directory unless
	// absolute. Suffix "" means rsync's default: "~" without BackupDir,
	// none with it; it may not contain "/".
	Backup    bool
	BackupDir string
	Suffix    string

	// Basis directories (rsync's --link-dest, --compare-dest,
	// --copy-dest; only one kind per run, at most 20 directories, each
	// relative to the destination directory unless absolute). A file
	// found unchanged in the first matching directory is hard-linked
	// from it, left out, or copied from it, instead of transferred; a
	// changed one may use it as the delta basis. They are only read.
	LinkDest    []string
	CompareDest []string
	CopyDest    []string

	// Remote side.
	RemoteShell string // -e/--rsh command for host:path operands
	FerryPath   string // remote ferry binary (--ferry-path)

	Timeout time.Duration // drop a peer silent for this long (0: never)

	// NoTotals skips the scan of the sources that runs ahead of the
	// transfer to count what is to do (EventTotals): a second walk of the
	// sources, a third of the work of a run that finds nothing to do. Set
	// it when nobody shows progress.
	NoTotals bool

	// Compression and pacing (compress hook, bwlimit hook).
	// Compress asks for zstd on the wire (-z); it is used when the peer
	// offers it too, and never for local copies.
	Compress      bool
	CompressLevel int      // zstd level 1-22 (--compress-level); 0: 3
	SkipCompress  []string // suffixes sent uncompressed (--skip-compress); nil: rsync's default list
	// BWLimit caps this side's transfer rate in bytes per second
	// (--bwlimit), in each direction; 0: unlimited.
	BWLimit int64

	// Daemon connections (ferry://, ferrys://, host::module).
	Port int // the daemon port when the address names none (--port); 0: the default, 8873 (ferrys: 8874)
	// ConnectTimeout bounds the connection to a daemon and its greeting
	// (--contimeout); 0 uses Timeout, or 30 s.
	ConnectTimeout time.Duration
	PasswordFile   string // file holding the module password ("" reads FERRY_PASSWORD)
	TLSCAFile      string // PEM roots that verify a TLS daemon instead of the system's
	TLSFingerprint string // pin the daemon's certificate ("sha256:HEX") instead of verifying a chain
	// NoRedirect refuses a daemon's redirect (--no-redirect) instead of
	// following it (daemon_redirect.go).
	NoRedirect bool
	// PreferSwarm: a pull from a daemon module that offers the swarm
	// service (its READY says so) stops before the sync session with an
	// error matching ErrSwarmOffered, for the caller to run SwarmFetch
	// instead (the CLI's swarm by default, docs/DAEMON.md §11).
	PreferSwarm bool
	// OnRedirect, if not nil, is told each redirect followed: the module
	// address that redirected and the one it named.
	OnRedirect func(from, to string)

	// Callbacks. Each may be nil. They are called from ferry's goroutines,
	// one at a time (never concurrently).
	OnEvent func(Event)
	// Logger, if not nil, gets a record of each pass (level Info, with its
	// stats) and of each per-file error (level Warn).
	Logger *slog.Logger

	// watching: the session is a watch's (Watch sets it); a daemon
	// module is opened saying so, and refuses it with watch = false.
	watching bool
}

// DefaultOptions returns ferry's defaults: archive mode (recursive, links,
// perms, times, group, and owner, devices and specials when running as root).
func DefaultOptions() Options {
	root := isRoot()
	return Options{
		Recursive: true,
		Links:     true,
		Perms:     true,
		Times:     true,
		Group:     true,
		Owner:     root,
		Devices:   root,
		Specials:  root,

		ModifyWindow: -1,
	}
}

// DeleteTiming is when Delete deletes extraneous entries.
type DeleteTiming int

// Delete timings (rsync's --delete-during, --delete-before,
// --delete-after and --delete-delay).
const (
	// DeleteDuring deletes as the transfer goes, directory by directory.
	DeleteDuring DeleteTiming = iota
	// DeleteBefore deletes everything extraneous before any transfer,
	// in a pass of its own: the source is walked twice.
	DeleteBefore
	// DeleteAfter deletes once every file is transferred.
	DeleteAfter
	// DeleteDelay finds the deletions during the transfer and does them
	// after it; ferry does DeleteAfter the same way.
	DeleteDelay
)
