package wire

// TypeRename and TypeRenameFailed replicate a rename (capability
// "rename"): realtime replication moves a renamed file or directory on the
// receiver instead of sending it again.
const (
	TypeRename       Type = 0x17
	TypeRenameFailed Type = 0x18
)

// Rename flag bits.
const renameDir = 1

// Rename, from the side that starts a pass (the sender's side) to the
// receiver, right before that pass's PassBegin: move Old to New on the
// receiver, before anything of the pass. Renames of one pass are done in
// the order sent. OldParentMTime and NewParentMTime are the source's
// modification times of the parents of Old and New after the rename
// (nanoseconds since the Unix epoch; 0: unknown, left as is). A receiver
// that cannot do it (Old missing, a type that differs) answers
// RenameFailed; the sender's side then sends Old and New in a pass.
type Rename struct {
	Pass uint64
	Old  string
	New  string
	// Dir: the source moved a directory (with everything under it).
	Dir            bool
	OldParentMTime int64
	NewParentMTime int64
}

// Type implements Message.
func (*Rename) Type() Type { return TypeRename }

// AppendTo implements Message.
func (m *Rename) AppendTo(b []byte) []byte {
	b = appendUvarint(b, m.Pass)
	b = appendString(b, m.Old)
	b = appendString(b, m.New)
	var f uint64
	if m.Dir {
		f |= renameDir
	}
	b = appendUvarint(b, f)
	b = appendVarint(b, m.OldParentMTime)
	return appendVarint(b, m.NewParentMTime)
}

func (m *Rename) decode(d *decoder) {
	m.Pass = d.uvarint()
	m.Old = d.string()
	m.New = d.string()
	f := d.uvarint()
	if f&^renameDir != 0 {
		d.fail("rename: unknown flags")
	}
	m.Dir = f&renameDir != 0
	m.OldParentMTime = d.varint()
	m.NewParentMTime = d.varint()
}

// RenameFailed, from the receiver, says that the Rename of Old to New in
// pass Pass was not done, and why (free text). It is sent before the
// receiver's PassDone of that pass.
type RenameFailed struct {
	Pass    uint64
	Old     string
	New     string
	Message string
}

// Type implements Message.
func (*RenameFailed) Type() Type { return TypeRenameFailed }

// AppendTo implements Message.
func (m *RenameFailed) AppendTo(b []byte) []byte {
	b = appendUvarint(b, m.Pass)
	b = appendString(b, m.Old)
	b = appendString(b, m.New)
	return appendString(b, m.Message)
}

func (m *RenameFailed) decode(d *decoder) {
	m.Pass = d.uvarint()
	m.Old = d.string()
	m.New = d.string()
	m.Message = d.string()
}
