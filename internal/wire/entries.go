package wire

import "strings"

// Entry is one tree entry as it travels in the entry stream (the wire form
// of tree.Entry; see docs/PROTOCOL.md, "Entries").
type Entry struct {
	Path       string
	Type       uint8 // 1 file, 2 dir, 3 symlink, 4 char, 5 block, 6 fifo, 7 socket
	Mode       uint32
	Size       int64
	MTime      int64 // ns since the Unix epoch
	UID, GID   uint32
	User       string
	Group      string
	LinkTarget string
	Rdev       uint64
	HardLink   string
	Checksum   []byte
	Xattrs     []Xattr // sorted by name; sent only with FlagXattrs or FlagACLs
}

// Xattr is one extended attribute of an entry (a POSIX ACL is one too).
type Xattr struct {
	Name  string
	Value []byte
}

// Limits of an entry's extended attributes (Linux's own: XATTR_SIZE_MAX
// and XATTR_LIST_MAX).
const (
	MaxXattrValue = 64 << 10
	MaxXattrs     = 64 << 10 / 2 // a name is at least 1 byte plus its NUL in a 64 KiB list
)

// Entry field-presence bits.
const (
	entUser = 1 << iota
	entGroup
	entLink
	entRdev
	entHardLink
	entChecksum
	entXattrs
)

// MaxChecksum is the longest checksum an entry may carry.
const MaxChecksum = 64

// Entries carries consecutive entries of the stream, in canonical order.
// Each path is coded as the length of the prefix it shares with the
// previous path of the same message plus the rest.
type Entries struct {
	Entries []Entry
}

// Type implements Message.
func (*Entries) Type() Type { return TypeEntries }

// AppendTo implements Message.
func (m *Entries) AppendTo(b []byte) []byte {
	b = appendUvarint(b, uint64(len(m.Entries)))
	prev := ""
	for i := range m.Entries {
		b = appendEntry(b, &m.Entries[i], prev)
		prev = m.Entries[i].Path
	}
	return b
}

// EntrySize is e's size as the entry window and MaxEntriesBytes count it:
// its strings and bytes, plus 32.
func EntrySize(e *Entry) int {
	n := 32 + len(e.Path) + len(e.User) + len(e.Group) + len(e.LinkTarget) + len(e.HardLink) + len(e.Checksum)
	for _, x := range e.Xattrs {
		n += 4 + len(x.Name) + len(x.Value)
	}
	return n
}

func appendEntry(b []byte, e *Entry, prev string) []byte {
	p := 0
	for p < len(prev) && p < len(e.Path) && prev[p] == e.Path[p] {
		p++
	}
	b = appendUvarint(b, uint64(p))
	b = appendString(b, e.Path[p:])
	var f uint64
	if e.User != "" {
		f |= entUser
	}
	if e.Group != "" {
		f |= entGroup
	}
	if e.LinkTarget != "" {
		f |= entLink
	}
	if e.Rdev != 0 {
		f |= entRdev
	}
	if e.HardLink != "" {
		f |= entHardLink
	}
	if len(e.Checksum) > 0 {
		f |= entChecksum
	}
	if len(e.Xattrs) > 0 {
		f |= entXattrs
	}
	b = append(b, e.Type)
	b = appendUvarint(b, f)
	b = appendUvarint(b, uint64(e.Mode))
	b = appendUvarint(b, uint64(e.Size))
	b = appendVarint(b, e.MTime)
	b = appendUvarint(b, uint64(e.UID))
	b = appendUvarint(b, uint64(e.GID))
	if f&entUser != 0 {
		b = appendString(b, e.User)
	}
	if f&entGroup != 0 {
		b = appendString(b, e.Group)
	}
	if f&entLink != 0 {
		b = appendString(b, e.LinkTarget)
	}
	if f&entRdev != 0 {
		b = appendUvarint(b, e.Rdev)
	}
	if f&entHardLink != 0 {
		b = appendString(b, e.HardLink)
	}
	if f&entChecksum != 0 {
		b = appendBytes(b, e.Checksum)
	}
	if f&entXattrs != 0 {
		b = appendUvarint(b, uint64(len(e.Xattrs)))
		for _, x := range e.Xattrs {
			b = appendString(b, x.Name)
			b = appendBytes(b, x.Value)
		}
	}
	return b
}

func (m *Entries) decode(d *decoder) {
	n := d.uvarint()
	if n > uint64(len(d.b))/8+1 {
		d.fail("entries: count beyond payload")
		return
	}
	m.Entries = make([]Entry, 0, min(n, 1024)) // grown as entries decode: a count costs nothing
	prev := ""
	total := 0
	for range n {
		var e Entry
		decodeEntry(d, &e, prev)
		if total += EntrySize(&e); d.err == nil && total > MaxEntriesBytes {
			d.fail("entries: beyond MaxEntriesBytes decoded")
		}
		if d.err != nil {
			m.Entries = nil
			return
		}
		m.Entries = append(m.Entries, e)
		prev = e.Path
	}
}

func decodeEntry(d *decoder, e *Entry, prev string) {
	p := d.uvarint()
	if p > uint64(len(prev)) {
		d.fail("entry: prefix longer than previous path")
		return
	}
	rest := d.string()
	if d.err != nil {
		return
	}
	if int(p)+len(rest) > MaxString {
		d.fail("entry: path too long")
		return
	}
	e.Path = prev[:p] + rest
	e.Type = d.byte()
	f := d.uvarint()
	e.Mode = uint32(d.small(0o7777, "entry: mode"))
	size := d.uvarint()
	if size > 1<<62 {
		d.fail("entry: size out of range")
	}
	e.Size = int64(size)
	e.MTime = d.varint()
	e.UID = uint32(d.small(1<<32-1, "entry: uid"))
	e.GID = uint32(d.small(1<<32-1, "entry: gid"))
	if e.Type < 1 || e.Type > 7 {
		d.fail("entry: bad type")
	}
	if f >= 1<<7 {
		d.fail("entry: unknown field bits")
	}
	if f&entUser != 0 {
		e.User = d.string()
	}
	if f&entGroup != 0 {
		e.Group = d.string()
	}
	if f&entLink != 0 {
		e.LinkTarget = d.string()
	}
	if f&entRdev != 0 {
		e.Rdev = d.uvarint()
	}
	if f&entHardLink != 0 {
		e.HardLink = d.string()
	}
	if f&entChecksum != 0 {
		e.Checksum = d.bytes(MaxChecksum)
	}
	if f&entXattrs != 0 {
		decodeXattrs(d, e)
	}
}

// decodeXattrs reads an entry's extended attributes: at least one, names
// not empty, strictly ascending (so none twice), each value within
// MaxXattrValue.
func decodeXattrs(d *decoder, e *Entry) {
	n := d.uvarint()
	if n == 0 || n > MaxXattrs || n > uint64(len(d.b))/2 {
		d.fail("entry: bad extended attribute count")
		return
	}
	e.Xattrs = make([]Xattr, 0, n)
	for range n {
		x := Xattr{Name: d.string(), Value: d.bytes(MaxXattrValue)}
		if d.err != nil {
			e.Xattrs = nil
			return
		}
		if x.Name == "" || strings.IndexByte(x.Name, 0) >= 0 {
			d.fail("entry: bad extended attribute name")
			return
		}
		if k := len(e.Xattrs); k > 0 && e.Xattrs[k-1].Name >= x.Name {
			d.fail("entry: extended attributes out of order")
			return
		}
		e.Xattrs = append(e.Xattrs, x)
	}
}

// EntriesEnd ends the entry stream of a pass.
type EntriesEnd struct {
	Pass uint64
}

// Type implements Message.
func (*EntriesEnd) Type() Type { return TypeEntriesEnd }

// AppendTo implements Message.
func (m *EntriesEnd) AppendTo(b []byte) []byte { return appendUvarint(b, m.Pass) }

func (m *EntriesEnd) decode(d *decoder) { m.Pass = d.uvarint() }

// Credit grants the sender room for N more items of the entry stream (an
// entry, or a FileError without a file id).
type Credit struct {
	N uint64
}

// Type implements Message.
func (*Credit) Type() Type { return TypeCredit }

// AppendTo implements Message.
func (m *Credit) AppendTo(b []byte) []byte { return appendUvarint(b, m.N) }

func (m *Credit) decode(d *decoder) { m.N = d.uvarint() }
