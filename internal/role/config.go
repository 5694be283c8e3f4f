package role

import (
	"errors"
	"time"

	"github.com/ferrysync/ferry/internal/coop"
	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
)

// Config holds the options both roles act on. Its flag fields mirror the
// wire.Flag* bits carried by the Run message.
type Config struct {
	Recursive, Links, Perms, Times, Owner, Group bool
	Devices, Specials, HardLinks, NumericIDs     bool
	Delete, DeleteExcluded                       bool
	Checksum, SizeOnly, IgnoreExisting, Update   bool
	WholeFile, Inplace, OneFileSystem, MkPath    bool
	DryRun                                       bool
	// Xattrs (-X) and ACLs (-A) carry and apply extended attributes and
	// POSIX ACLs (capability "xattrs").
	Xattrs, ACLs bool
	// UserXattrsOnly keeps -X to the user namespace whatever the euid: a
	// daemon neither sends nor applies trusted.* and security.* (file
	// capabilities) for its clients.
	UserXattrsOnly bool
	// NoSetID makes a receiver clear the setuid and setgid bits of every
	// entry it receives, before it compares or applies them: a daemon sets
	// it for a module that does not allow_setid, so that no client creates
	// set-id files. Set by the server, never from the wire.
	NoSetID bool
	// Relative (-R) opens each source operand at the directory before its
	// "/./" (or at "/" or "."), keeping the rest of its path, whose
	// parents are sent as implied directories (relative.go).
	Relative bool
	// ListOnly makes a receiving client list the source instead of
	// copying it (--list-only): EventListed for each entry, no
	// destination (receiver_list.go). It never travels.
	ListOnly bool
	// Fuzzy (-y) gives a new file a basis of its directory: one of the
	// same size and time, or of a similar name (fuzzy.go).
	Fuzzy bool
	// Sparse (-S) writes blocks of zeros as holes; Preallocate reserves
	// each file's disk before its data comes (ignored with Sparse).
	Sparse, Preallocate bool
	// Chmod, UserMap and GroupMap (--chmod, --usermap, --groupmap,
	// --chown) change the entries' modes and owners as though the sender
	// had them. Only the client's role applies them (the sender of a push,
	// the receiver otherwise), so they never travel.
	Chmod             tree.Chmod
	UserMap, GroupMap *tree.IDMap
	// StrictPaths makes a pass path missing from the source an error, not
	// a deletion (-R and --files-from name what must exist; a watcher's
	// pass names what changed, deletions included).
	StrictPaths bool
	// NoImpliedDirs (--no-implied-dirs): the sender sends no implied
	// parents of pass paths; the receiver creates those missing with
	// default attributes and leaves existing ones (a symlink, say) alone.
	NoImpliedDirs bool
	// Symlinks: the sender follows all (CopyLinks, -L), those pointing
	// outside the tree (CopyUnsafeLinks) or those to directories
	// (CopyDirLinks, -k); the receiver ignores those pointing outside the
	// tree (SafeLinks) and takes a symlink to a directory in the
	// destination for the directory (KeepDirLinks, -K).
	CopyLinks, CopyUnsafeLinks, SafeLinks, CopyDirLinks, KeepDirLinks bool
	// PruneEmptyDirs sends no directory that holds no non-directory after
	// filtering (rsync -m); the sender holds a directory back until it
	// finds something to send inside.
	PruneEmptyDirs bool
	// When extraneous entries are deleted (Delete): during the merge
	// (none of these), in a delete-only pass before the transfer
	// (DeleteBefore), or once the transfer is done (DeleteAfter,
	// DeleteDelay: found during the merge either way).
	DeleteBefore, DeleteAfter, DeleteDelay bool
	// Force deletes a non-empty directory that a non-directory replaces,
	// even without Delete.
	Force bool
	// IgnoreErrors deletes even under a source path that could not be
	// read (by default such a subtree is protected).
	IgnoreErrors bool
	// Existing creates nothing new on the receiver; IgnoreTimes transfers
	// files whose size and mtime match.
	Existing, IgnoreTimes bool
	// RemoveSource makes the sender remove each source file (not
	// directory) once the receiver has it.
	RemoveSource bool
	// MaxDelete limits deletions: 0 no limit, n > 0 at most n, negative
	// none at all (rsync's --max-delete=0).
	MaxDelete int64
	// MinSize and MaxSize skip regular files smaller or larger than them,
	// in bytes; 0: no limit; a negative MaxSize lets only empty files
	// through (rsync's --max-size=0).
	MinSize, MaxSize int64
	// ModifyWindow: mtimes are equal when their whole seconds differ by
	// at most this; negative compares nanoseconds (rsync's
	// --modify-window).
	ModifyWindow int
	// Backup renames what the receiver replaces or deletes to a backup
	// name first (backup.go): Suffix appended, under BackupDir when set
	// (relative to the destination unless absolute).
	Backup            bool
	BackupDir, Suffix string
	// BasisDirs are read-only directories (relative to the destination
	// unless absolute) where the receiver looks for unchanged files
	// before it transfers them; BasisKind says what it does with one
	// (wire.BasisCompare, BasisCopy, BasisLink). See basis.go.
	BasisKind uint8
	BasisDirs []string
	// NoTotals skips the sender's counting scan (a second walk of the
	// sources) that feeds EventTotals: for runs nobody watches progress of.
	NoTotals bool

	Filters    []string // rsync filter rules
	PartialDir string
	Seed       uint64 // block strong-hash seed; 0 picks one

	// TempDir (-T): the receiver writes temp files there (relative to
	// the destination unless absolute; inside the module for a daemon)
	// and renames them into place (tempdir.go).
	TempDir string
	// DelayUpdates: the receiver holds each updated file in PartialDir
	// and renames them all into place at the end of the pass (delay.go).
	DelayUpdates bool
	// Shard limits the receiver to one shard of the tree (--shard K/N):
	// the non-directories it owns and the extraneous entries it deletes
	// (internal/coop, docs/COOPERATION.md). The zero value is all.
	Shard coop.Shard
	// Cooperate makes the receiver claim each file in the destination
	// before moving it, and leave files claimed by other processes to
	// them until it ends (--cooperate; receiver/coop.go).
	Cooperate bool

	Timeout time.Duration // drop a peer silent this long (0: never)

	// Compress hook (compress.go): zstd on the wire when both sides
	// offer it. A client offers it only with Compress; a server always.
	Compress      bool
	CompressLevel int      // zstd level 1-22; 0: 3
	SkipCompress  []string // suffixes sent uncompressed; nil: DefaultSkipCompress
	// RefuseCompress makes a server not offer zstd (a daemon sparing its CPU).
	RefuseCompress bool

	// Window is the receiver's limit on outstanding file requests and
	// Credit the sender's entry window; zero picks defaults.
	Window, Credit int
	// Workers is the number of files a sender encodes at once; 0: 8.
	Workers int
	// Handoff, shared by a sender and a receiver in one process, lets
	// whole files pass as open descriptors instead of data (handoff.go).
	Handoff *Handoff
	// WriteOnly makes a receiver blind to its destination for the peer:
	// set by a daemon serving a write_only module, never from the wire
	// (writeonly.go).
	WriteOnly bool
	// LocalPeer says the other role runs in this process (a local copy):
	// the errors it reports are not marked remote, and a receiving client
	// reports the sender's byte counts, the handed-off data included, as
	// rsync does for a local copy. Not on the wire.
	LocalPeer bool
}

func (c *Config) bits() []struct {
	b *bool
	f uint64
} {
	return []struct {
		b *bool
		f uint64
	}{
		{&c.Recursive, wire.FlagRecursive}, {&c.Links, wire.FlagLinks}, {&c.Perms, wire.FlagPerms},
		{&c.Times, wire.FlagTimes}, {&c.Owner, wire.FlagOwner}, {&c.Group, wire.FlagGroup},
		{&c.Devices, wire.FlagDevices}, {&c.Specials, wire.FlagSpecials}, {&c.HardLinks, wire.FlagHardLinks},
		{&c.NumericIDs, wire.FlagNumericIDs}, {&c.Delete, wire.FlagDelete}, {&c.DeleteExcluded, wire.FlagDeleteExcluded},
		{&c.Checksum, wire.FlagChecksum}, {&c.SizeOnly, wire.FlagSizeOnly}, {&c.IgnoreExisting, wire.FlagIgnoreExisting},
		{&c.Update, wire.FlagUpdate}, {&c.WholeFile, wire.FlagWholeFile}, {&c.Inplace, wire.FlagInplace},
		{&c.OneFileSystem, wire.FlagOneFileSystem}, {&c.MkPath, wire.FlagMkPath}, {&c.DryRun, wire.FlagDryRun},
		{&c.NoTotals, wire.FlagNoTotals}, {&c.Xattrs, wire.FlagXattrs}, {&c.ACLs, wire.FlagACLs},
		{&c.Relative, wire.FlagRelative}, {&c.StrictPaths, wire.FlagStrictPaths},
		{&c.Sparse, wire.FlagSparse}, {&c.Preallocate, wire.FlagPreallocate}, {&c.Fuzzy, wire.FlagFuzzy},
		{&c.CopyLinks, wire.FlagCopyLinks},
		{&c.CopyUnsafeLinks, wire.FlagCopyUnsafeLinks}, {&c.SafeLinks, wire.FlagSafeLinks},
		{&c.CopyDirLinks, wire.FlagCopyDirLinks}, {&c.KeepDirLinks, wire.FlagKeepDirLinks},
		{&c.PruneEmptyDirs, wire.FlagPruneEmptyDirs},
		{&c.DeleteBefore, wire.FlagDeleteBefore},
		{&c.DeleteAfter, wire.FlagDeleteAfter}, {&c.DeleteDelay, wire.FlagDeleteDelay}, {&c.Force, wire.FlagForce},
		{&c.IgnoreErrors, wire.FlagIgnoreErrors}, {&c.Existing, wire.FlagExisting},
		{&c.IgnoreTimes, wire.FlagIgnoreTimes}, {&c.RemoveSource, wire.FlagRemoveSource},
		{&c.Backup, wire.FlagBackup}, {&c.NoImpliedDirs, wire.FlagNoImpliedDirs},
		{&c.DelayUpdates, wire.FlagDelayUpdates}, {&c.Cooperate, wire.FlagCooperate},
	}
}

// flags returns the Run flag bits of c.
func (c *Config) flags() uint64 {
	var f uint64
	for _, b := range c.bits() {
		if *b.b {
			f |= b.f
		}
	}
	return f
}

// setFlags sets c's flag fields from Run flag bits.
func (c *Config) setFlags(f uint64) {
	for _, b := range c.bits() {
		*b.b = f&b.f != 0
	}
}

// Follow is what the sender's walk follows (the source's confinement
// aside).
func (c *Config) Follow() tree.FollowLinks {
	return tree.FollowLinks{All: c.CopyLinks, Unsafe: c.CopyUnsafeLinks, Dirs: c.CopyDirLinks}
}

// ToRun fills run's option fields from c.
func (c *Config) ToRun(run *wire.Run) {
	run.Flags |= c.flags()
	run.Filters, run.PartialDir, run.Seed = c.Filters, c.PartialDir, c.Seed
	run.MaxDelete = limitToWire(c.MaxDelete)
	run.MinSize, run.MaxSize = limitToWire(c.MinSize), limitToWire(c.MaxSize)
	run.ModifyWindow = int64(c.ModifyWindow)
	if c.Shard.N > 0 {
		run.Flags |= wire.FlagShard
		run.ShardK, run.ShardN = uint64(c.Shard.K), uint64(c.Shard.N)
	}
}

// FromRun sets c's options from run.
func (c *Config) FromRun(run *wire.Run) {
	c.setFlags(run.Flags)
	c.Filters, c.PartialDir, c.Seed = run.Filters, run.PartialDir, run.Seed
	c.MaxDelete = limitFromWire(run.MaxDelete)
	c.MinSize, c.MaxSize = limitFromWire(run.MinSize), limitFromWire(run.MaxSize)
	c.ModifyWindow = int(max(min(run.ModifyWindow, 1<<30), -1))
	c.Shard = coop.Shard{}
	if run.Flags&wire.FlagShard != 0 { // checked by the decoder
		c.Shard = coop.Shard{K: int(run.ShardK), N: int(run.ShardN)}
	}
}

// limitToWire encodes a limit as the wire does: 0 when unset (v is 0),
// else the limit plus one; a negative v, a limit of zero, is 1.
func limitToWire(v int64) uint64 {
	if v == 0 {
		return 0
	}
	return uint64(max(v, 0)) + 1
}

// limitFromWire decodes a wire limit: a limit of zero comes back as -1.
func limitFromWire(v uint64) int64 {
	switch v {
	case 0:
		return 0
	case 1:
		return -1
	}
	return int64(min(v-1, 1<<62))
}

// RequestWindow is the receiver's limit on outstanding file requests.
func (c *Config) RequestWindow() int {
	if c.Window > 0 {
		return c.Window
	}
	return MaxOutstanding
}

// EntryCredit is the sender's entry window, granted by the receiver.
func (c *Config) EntryCredit() int {
	if c.Credit > 0 {
		return c.Credit
	}
	return 2048
}

// SendWorkers is the number of files a sender encodes at once.
func (c *Config) SendWorkers() int {
	if c.Workers > 0 {
		return c.Workers
	}
	return 8
}

// EventKind says what an Event reports.
type EventKind int

// Event kinds.
const (
	EventChanged EventKind = iota + 1 // an entry was (or would be) created or updated
	EventDeleted                      // an entry was (or would be) deleted
	EventError                        // an entry failed; Err is a *FileError
	// EventNotice says something about an entry that is not an error; Err
	// says what (ErrDirNotEmpty).
	EventNotice
	// EventListed is an entry of the source, listed (ListOnly); Entry
	// describes it.
	EventListed
)

// ErrDirNotEmpty is the notice of an extraneous directory that --delete
// could not remove because something in it stays (rsync's "cannot delete
// non-empty directory").
var ErrDirNotEmpty = errors.New("cannot delete non-empty directory")

// ErrDeleteSkipped is the notice of a path the sender could not read:
// --delete deletes nothing under it (rsync's words).
var ErrDeleteSkipped = errors.New("IO error encountered -- skipping file deletion")

// Event is one thing that happened to one path.
type Event struct {
	Kind    EventKind
	Path    string
	Itemize string
	Size    int64
	Err     error
	// LinkTarget is, for EventChanged, a symlink's target or, for a hard
	// link (Itemize "hf..."), the path it is linked to when known (rsync
	// prints " -> TARGET" and " => LEADER"). Correctness hook.
	LinkTarget string
	Progress   Progress    // EventTotals, EventProgress: running counts (progress hook, totals.go)
	Entry      *tree.Entry // EventListed: the entry (list hook, receiver_list.go)
}

// Stats are one side's totals (see wire.Stats).
type Stats = wire.Stats

// Tweak applies the client's --chmod and owner maps to e.
func (c *Config) Tweak(e *tree.Entry) {
	if !c.Chmod.Empty() && e.Type != tree.TypeSymlink {
		e.Mode = c.Chmod.Apply(e.Mode, e.Type == tree.TypeDir)
	}
	c.UserMap.Apply(e)
	c.GroupMap.Apply(e)
}

// MaxOutstanding is the most file requests a receiver may have outstanding
// (requested and not yet ended); a sender treats more as a protocol error.
const MaxOutstanding = 256
