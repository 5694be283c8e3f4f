package wire

// Role is what a side does in a run.
type Role uint8

// Roles.
const (
	RoleSender   Role = 1 // walks the source and sends entries and data
	RoleReceiver Role = 2 // compares, requests data and writes the destination
)

// Run flags: the options that matter to the far side.
const (
	FlagRecursive uint64 = 1 << iota
	FlagLinks
	FlagPerms
	FlagTimes
	FlagOwner
	FlagGroup
	FlagDevices
	FlagSpecials
	FlagHardLinks
	FlagNumericIDs
	FlagDelete
	FlagDeleteExcluded
	FlagChecksum
	FlagSizeOnly
	FlagIgnoreExisting
	FlagUpdate
	FlagWholeFile
	FlagInplace
	FlagOneFileSystem
	FlagMkPath
	FlagDryRun
	FlagEvents   // the server reports itemized events to the client
	FlagNoTotals // the client wants no Totals: the sender skips its counting scan
	FlagXattrs   // -X: entries carry extended attributes (capability "xattrs")
	FlagACLs     // -A: entries carry POSIX ACLs (capability "xattrs")
	FlagRelative // -R: source operands keep their path after "/./" (or all of it)
	// FlagStrictPaths: a pass path missing from the source is an error,
	// not a deletion (-R, --files-from).
	FlagStrictPaths
	FlagSparse          // -S: the receiver writes blocks of zeros as holes
	FlagPreallocate     // --preallocate: the receiver reserves each file's disk first
	FlagFuzzy           // -y: a new file takes a similar file of its directory as its basis
	FlagCopyLinks       // the sender follows every symlink (-L)
	FlagCopyUnsafeLinks // the sender follows symlinks pointing outside the tree
	FlagSafeLinks       // the receiver ignores symlinks pointing outside the tree
	FlagCopyDirLinks    // the sender follows symlinks to directories (-k)
	FlagKeepDirLinks    // the receiver treats a symlink to a directory as the directory (-K)
	FlagPruneEmptyDirs  // -m: the sender prunes directories with nothing to send
	FlagDeleteBefore
	FlagDeleteAfter
	FlagDeleteDelay
	FlagForce
	FlagIgnoreErrors
	FlagExisting
	FlagIgnoreTimes
	FlagRemoveSource
	// FlagBackup: the receiver renames what it replaces or deletes to a
	// backup name first (Run.BackupDir, Run.Suffix). A Run with it carries
	// the destination tail.
	FlagBackup
	// FlagNoImpliedDirs: with pass paths (-R), the sender sends no
	// implied parent directories; the receiver creates missing ones with
	// default attributes (--no-implied-dirs).
	FlagNoImpliedDirs
	// FlagDelayUpdates: the receiver holds each updated file in the
	// partial directory (Run.PartialDir) and renames them all into place
	// at the end of the pass (--delay-updates).
	FlagDelayUpdates
	// FlagTempDir: the receiver writes temp files in Run.TempDir, which
	// the Run carries at the end of the destination tail (-T).
	FlagTempDir
	// FlagShard: the receiver handles only the non-directory entries of
	// shard Run.ShardK of Run.ShardN and deletes only the extraneous
	// entries of that shard (--shard; docs/COOPERATION.md). A Run with it
	// carries the destination tail.
	FlagShard
	// FlagCooperate: the receiver claims each file in the destination
	// before it moves it and leaves files claimed by other processes to
	// them (--cooperate; docs/COOPERATION.md).
	FlagCooperate

	flagEnd // the first bit no flag uses: add new flags above this line
)

// KnownFlags are the bits of the Flag* constants; a server refuses a Run
// with others (an option of a newer client it would silently ignore).
const KnownFlags = flagEnd - 1

// Basis directory kinds (Run.BasisKind): what the receiver does with a
// file found unchanged in one of Run.BasisDirs.
const (
	BasisNone    uint8 = 0
	BasisCompare uint8 = 1 // skip it (--compare-dest)
	BasisCopy    uint8 = 2 // copy it locally (--copy-dest)
	BasisLink    uint8 = 3 // hard-link it (--link-dest)
)

// MaxBasisDirs is the most basis directories a Run may name (rsync's limit).
const MaxBasisDirs = 20

// Run is the client's request, sent once after the handshake: which role
// the server plays, on which paths, with which options.
type Run struct {
	Role       Role     // the role of the server
	Paths      []string // server-side operands: sources (sender) or the destination (receiver)
	Flags      uint64   // Flag* bits
	Filters    []string // rsync filter rules, in order
	PartialDir string
	Seed       uint64 // seed of the block strong hash for this session
	// Limits, each 0 when not set, else the value plus one.
	MaxDelete uint64 // at most MaxDelete-1 deletions
	MinSize   uint64 // skip regular files smaller than MinSize-1 bytes
	MaxSize   uint64 // skip regular files larger than MaxSize-1 bytes
	// ModifyWindow is rsync's --modify-window: mtimes are equal when their
	// whole seconds differ by at most this; negative: to the nanosecond.
	ModifyWindow int64

	// The destination tail: encoded only when FlagBackup is set or
	// BasisDirs is not empty, so that a Run without it is byte for byte
	// what a peer that predates it knows, and one with it is refused by
	// such a peer (trailing bytes) rather than half understood.
	BackupDir string   // relative to the destination unless absolute; "" beside each file
	Suffix    string   // appended to backup names
	BasisKind uint8    // Basis* constant; BasisNone without BasisDirs
	BasisDirs []string // relative to the destination unless absolute
	TempDir   string   // with FlagTempDir only: relative to the destination unless absolute
	// With FlagShard only: this run's shard, 0 <= ShardK < ShardN.
	ShardK, ShardN uint64
}

// hasTail reports whether m carries the destination tail.
func (m *Run) hasTail() bool {
	return m.Flags&(FlagBackup|FlagTempDir|FlagShard) != 0 || len(m.BasisDirs) > 0
}

// Type implements Message.
func (*Run) Type() Type { return TypeRun }

// AppendTo implements Message.
func (m *Run) AppendTo(b []byte) []byte {
	b = append(b, byte(m.Role))
	b = appendStrings(b, m.Paths)
	b = appendUvarint(b, m.Flags)
	b = appendStrings(b, m.Filters)
	b = appendString(b, m.PartialDir)
	b = appendUvarint(b, m.Seed)
	b = appendUvarint(b, m.MaxDelete)
	b = appendUvarint(b, m.MinSize)
	b = appendUvarint(b, m.MaxSize)
	b = appendVarint(b, m.ModifyWindow)
	if !m.hasTail() {
		return b
	}
	b = appendString(b, m.BackupDir)
	b = appendString(b, m.Suffix)
	b = append(b, m.BasisKind)
	b = appendStrings(b, m.BasisDirs)
	if m.Flags&FlagTempDir != 0 {
		b = appendString(b, m.TempDir)
	}
	if m.Flags&FlagShard != 0 {
		b = appendUvarint(b, m.ShardK)
		b = appendUvarint(b, m.ShardN)
	}
	return b
}

func (m *Run) decode(d *decoder) {
	m.Role = Role(d.byte())
	m.Paths = d.strings()
	m.Flags = d.uvarint()
	m.Filters = d.strings()
	m.PartialDir = d.string()
	m.Seed = d.uvarint()
	m.MaxDelete = d.uvarint()
	m.MinSize = d.uvarint()
	m.MaxSize = d.uvarint()
	m.ModifyWindow = d.varint()
	if d.err == nil && m.Role != RoleSender && m.Role != RoleReceiver {
		d.fail("run: bad role")
	}
	if d.err != nil || (len(d.b) == 0 && m.Flags&(FlagBackup|FlagTempDir|FlagShard) == 0) {
		return
	}
	m.BackupDir = d.string()
	m.Suffix = d.string()
	m.BasisKind = d.byte()
	m.BasisDirs = d.strings()
	if m.Flags&FlagTempDir != 0 {
		m.TempDir = d.string()
	}
	if m.Flags&FlagShard != 0 {
		m.ShardK, m.ShardN = d.uvarint(), d.uvarint()
	}
	switch {
	case d.err != nil:
	case m.BasisKind > BasisLink:
		d.fail("run: bad basis kind")
	case len(m.BasisDirs) > MaxBasisDirs:
		d.fail("run: too many basis directories")
	case (m.BasisKind == BasisNone) != (len(m.BasisDirs) == 0):
		d.fail("run: basis kind without directories or directories without a kind")
	case m.Flags&FlagBackup == 0 && (m.BackupDir != "" || m.Suffix != ""):
		d.fail("run: backup settings without the backup flag")
	case (m.Flags&FlagTempDir != 0) != (m.TempDir != ""):
		d.fail("run: temp dir flag without a temp dir, or an empty one")
	case m.Flags&FlagShard != 0 && (m.ShardN == 0 || m.ShardN > 1<<16 || m.ShardK >= m.ShardN):
		d.fail("run: bad shard")
	}
}

// PassBegin starts a pass. The client sends it; pass 0 follows Run at once.
// An empty Paths means the whole tree; otherwise only these paths (relative
// to the transfer root) are walked, compared and deleted.
//
// A DeleteOnly pass (--delete-before) only deletes: the receiver merges
// the entries with its walk to delete what is extraneous, and creates,
// updates and requests nothing.
type PassBegin struct {
	Pass       uint64
	Paths      []string
	DeleteOnly bool
	// Root: a pass over paths streams the transfer root's own entry first
	// (capability pass-root), so that the receiver applies its times.
	Root bool
}

// PassBegin flag bits.
const (
	passDeleteOnly = 1
	passRoot       = 2
)

// Type implements Message.
func (*PassBegin) Type() Type { return TypePassBegin }

// AppendTo implements Message.
func (m *PassBegin) AppendTo(b []byte) []byte {
	b = appendUvarint(b, m.Pass)
	b = appendStrings(b, m.Paths)
	var f uint64
	if m.DeleteOnly {
		f |= passDeleteOnly
	}
	if m.Root {
		f |= passRoot
	}
	return appendUvarint(b, f)
}

func (m *PassBegin) decode(d *decoder) {
	m.Pass = d.uvarint()
	m.Paths = d.strings()
	f := d.uvarint()
	if f&^(passDeleteOnly|passRoot) != 0 {
		d.fail("pass begin: unknown flags")
	}
	m.DeleteOnly = f&passDeleteOnly != 0
	m.Root = f&passRoot != 0
}

// Goodbye ends the session. The client sends it between passes; the server
// answers with Goodbye and closes.
type Goodbye struct{}

// Type implements Message.
func (*Goodbye) Type() Type { return TypeGoodbye }

// AppendTo implements Message.
func (*Goodbye) AppendTo(b []byte) []byte { return b }

func (*Goodbye) decode(*decoder) {}

// Fatal codes.
const (
	FatalProtocol uint64 = 1 // malformed or unexpected message
	FatalIO       uint64 = 2 // the run cannot go on (e.g. destination unusable)
	FatalUsage    uint64 = 3 // bad run request
	FatalTimeout  uint64 = 4
	FatalNotDir   uint64 = 5 // the destination is not a directory, or its path goes through a file
)

// Fatal aborts the session; the sender of it closes the connection after.
type Fatal struct {
	Code    uint64
	Message string
}

// Type implements Message.
func (*Fatal) Type() Type { return TypeFatal }

// AppendTo implements Message.
func (m *Fatal) AppendTo(b []byte) []byte {
	b = appendUvarint(b, m.Code)
	return appendString(b, m.Message)
}

func (m *Fatal) decode(d *decoder) {
	m.Code = d.uvarint()
	m.Message = d.string()
}

// Keepalive is sent by a side that has had nothing to send for a while.
type Keepalive struct{}

// Type implements Message.
func (*Keepalive) Type() Type { return TypeKeepalive }

// AppendTo implements Message.
func (*Keepalive) AppendTo(b []byte) []byte { return b }

func (*Keepalive) decode(*decoder) {}
