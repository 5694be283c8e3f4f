package ferry

import "time"

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

	// What to transfer.
	Delete         bool     // delete extraneous destination files (--delete)
	DeleteExcluded bool     // also delete excluded destination files
	Filters        []string // rsync filter rules in order, e.g. "- *.o", "+ /src/**", "merge FILE" is not supported
	Checksum       bool     // compare by BLAKE3 checksum, not size and mtime (-c)
	SizeOnly       bool     // compare by size only (--size-only)
	IgnoreExisting bool     // skip files that exist at the destination
	Update         bool     // skip files that are newer at the destination (-u)
	WholeFile      bool     // never use the delta algorithm (-W)
	// DeltaLocal uses the delta algorithm even when both sides are local
	// (--no-whole-file); by default local copies are whole-file, as in rsync.
	DeltaLocal    bool
	Inplace       bool // write updated files in place (--inplace)
	OneFileSystem bool // do not cross filesystem boundaries (-x)
	MkPath        bool // create the destination's missing parents (--mkpath)
	DryRun        bool // show what would change, change nothing (-n)

	// PartialDir is where an interrupted transfer keeps the data it
	// received (relative to the file's directory), for the next run to use
	// as the file's basis; "" means ".ferry-partial". With Inplace the file
	// itself holds what was received. An absolute PartialDir (which rsync
	// allows) is refused: it would be outside the destination's os.Root.
	PartialDir string

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
	PasswordFile   string // file holding the module password ("" reads FERRY_PASSWORD)
	TLSCAFile      string // PEM roots that verify a TLS daemon instead of the system's
	TLSFingerprint string // pin the daemon's certificate ("sha256:HEX") instead of verifying a chain

	// Callbacks. Each may be nil. They are called from ferry's goroutines,
	// one at a time (never concurrently).
	OnEvent func(Event)
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
	}
}
