package wire

// TypeSourceDone is the message of --remove-source-files.
const TypeSourceDone Type = 0x13

// SourceDone tells the sender that the receiver has the non-directory
// entry Path in place (committed, linked, or already up to date), as the
// entry it was sent with Size and MTime. The receiver sends it only when
// the run has the remove-source flag; the sender then removes its source
// file if it is still that entry.
type SourceDone struct {
	Path  string
	Size  int64
	MTime int64 // nanoseconds since the Unix epoch
}

// Type implements Message.
func (*SourceDone) Type() Type { return TypeSourceDone }

// AppendTo implements Message.
func (m *SourceDone) AppendTo(b []byte) []byte {
	b = appendString(b, m.Path)
	b = appendUvarint(b, uint64(m.Size))
	return appendVarint(b, m.MTime)
}

func (m *SourceDone) decode(d *decoder) {
	m.Path = d.string()
	m.Size = int64(d.small(1<<62, "source done: size"))
	m.MTime = d.varint()
}
