package fsys

// Meta is the metadata fsys applies to an entry.
type Meta struct {
	Mode  uint32 // permission bits plus setuid, setgid and sticky (07777); the type bits are ignored
	UID   uint32 // owner, applied with Preserve.Owner
	GID   uint32 // group, applied with Preserve.Group
	MTime int64  // modification time, nanoseconds since the Unix epoch, applied with Preserve.Times
	ATime int64  // access time in nanoseconds; 0 leaves the access time unchanged

	// Symlink marks the entry as a symbolic link: its permissions are never
	// changed (Linux has no symlink modes) and its owner and times are set
	// on the link itself.
	Symlink bool

	// Xattrs are the extended attributes (ACLs included) the entry must
	// have, applied with Preserve.Xattrs; sorted by name.
	Xattrs []Xattr
}

// Preserve selects which parts of a Meta are applied. The zero value applies
// nothing, which for a new regular file means rsync's behaviour without -p:
// see Temp.Commit.
type Preserve struct {
	Perms bool // set Meta.Mode exactly (umask does not apply)
	Owner bool // set Meta.UID; silently skipped when not running as root
	Group bool // set Meta.GID; EPERM is ignored when not running as root
	Times bool // set Meta.MTime (and Meta.ATime when not zero)

	// Xattrs selects the extended attributes to make equal to Meta.Xattrs:
	// those it selects are set, changed or removed; others are left
	// alone. Never applied to symlinks.
	Xattrs XattrSet

	// Fsync makes Temp.Commit fsync the file's data before the rename.
	// Off by default, as in rsync (which fsyncs only with --fsync): the
	// rename gives atomicity, not durability, and skipping fsync keeps
	// small-file throughput high.
	Fsync bool
}

// NodeType is the kind of special file Mknod creates.
type NodeType uint8

// Special file kinds for Mknod.
const (
	NodeChar   NodeType = iota + 1 // character device
	NodeBlock                      // block device
	NodeFIFO                       // named pipe
	NodeSocket                     // unix socket file
)

// String returns a short lower-case name for the kind.
func (t NodeType) String() string {
	switch t {
	case NodeChar:
		return "char"
	case NodeBlock:
		return "block"
	case NodeFIFO:
		return "fifo"
	case NodeSocket:
		return "socket"
	}
	return "unknown"
}
