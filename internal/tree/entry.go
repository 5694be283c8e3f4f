package tree

import (
	"io/fs"
	"strings"

	"github.com/ferrysync/ferry/internal/fsys"
)

// Type is the kind of a tree entry.
type Type uint8

// Entry types. The numeric values travel on the wire (docs/PROTOCOL.md).
const (
	TypeFile    Type = 1
	TypeDir     Type = 2
	TypeSymlink Type = 3
	TypeChar    Type = 4 // character device
	TypeBlock   Type = 5 // block device
	TypeFIFO    Type = 6
	TypeSocket  Type = 7
)

// String returns a short lower-case name for the type.
func (t Type) String() string {
	switch t {
	case TypeFile:
		return "file"
	case TypeDir:
		return "dir"
	case TypeSymlink:
		return "symlink"
	case TypeChar:
		return "char"
	case TypeBlock:
		return "block"
	case TypeFIFO:
		return "fifo"
	case TypeSocket:
		return "socket"
	}
	return "unknown"
}

// Entry describes one file, directory, symlink or special file of a tree, as
// the sender sees it and as it travels in the entry stream.
//
// Path is slash-separated and relative to the transfer root; the transfer
// root itself has Path ".". Paths never contain "..", a leading "/", an empty
// component or a NUL byte (see ValidPath).
type Entry struct {
	Path  string
	Type  Type
	Mode  uint32 // permission bits and setuid/setgid/sticky (07777)
	Size  int64  // bytes, regular files only
	MTime int64  // nanoseconds since the Unix epoch
	UID   uint32
	GID   uint32
	User  string // owner name, "" when unknown or with --numeric-ids
	Group string // group name, "" when unknown or with --numeric-ids

	LinkTarget string // symlink target, as stored (not resolved)
	Rdev       uint64 // device number for TypeChar and TypeBlock

	// HardLink, when not empty, names an earlier entry of the same stream
	// that this entry is a hard link to (set with -H only). The earlier
	// entry is the group's leader and carries the data.
	HardLink string

	// Checksum is the BLAKE3-256 of the file's content, set only when the
	// run compares by checksum.
	Checksum []byte

	// Xattrs are the extended attributes (POSIX ACLs included) the walk
	// was asked to read (WalkOptions.Xattrs), sorted by name.
	Xattrs []fsys.Xattr

	// Local-only fields: never sent on the wire.
	Dev   uint64
	Ino   uint64
	Nlink uint64
	// Protected: a receiver-only rule (protect, "-r") or a perishable
	// rule excludes the entry and the walk shows it all the same
	// (WalkOptions.ShowProtected); Perishable: the rule is perishable.
	Protected, Perishable bool
}

// IsDir reports whether the entry is a directory.
func (e *Entry) IsDir() bool { return e.Type == TypeDir }

// Name returns the last element of the entry's path.
func (e *Entry) Name() string {
	if i := strings.LastIndexByte(e.Path, '/'); i >= 0 {
		return e.Path[i+1:]
	}
	return e.Path
}

// FileMode returns the entry's type and permissions as an fs.FileMode.
func (e *Entry) FileMode() fs.FileMode {
	m := fs.FileMode(e.Mode & 0777)
	if e.Mode&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if e.Mode&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if e.Mode&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	switch e.Type {
	case TypeDir:
		m |= fs.ModeDir
	case TypeSymlink:
		m |= fs.ModeSymlink
	case TypeChar:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case TypeBlock:
		m |= fs.ModeDevice
	case TypeFIFO:
		m |= fs.ModeNamedPipe
	case TypeSocket:
		m |= fs.ModeSocket
	}
	return m
}
