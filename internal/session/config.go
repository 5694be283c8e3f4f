package session

import (
	"errors"
	"time"

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

	Timeout time.Duration // drop a peer silent this long (0: never)

	// compress hook (compress.go): zstd on the wire when both sides
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
		{&c.NoTotals, wire.FlagNoTotals}, {&c.Backup, wire.FlagBackup},
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

func (c *Config) window() int {
	if c.Window > 0 {
		return c.Window
	}
	return MaxOutstanding
}

func (c *Config) credit() int {
	if c.Credit > 0 {
		return c.Credit
	}
	return 2048
}

func (c *Config) workers() int {
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
)

// ErrDirNotEmpty is the notice of an extraneous directory that --delete
// could not remove because something in it stays (rsync's "cannot delete
// non-empty directory").
var ErrDirNotEmpty = errors.New("cannot delete non-empty directory")

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
	Progress   Progress // EventTotals, EventProgress: running counts (progress hook, totals.go)
}

// Stats are one side's totals (see wire.Stats).
type Stats = wire.Stats
