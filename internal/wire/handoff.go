package wire

// TypeHandoff is the message of the "local-handoff" capability, which only
// two roles in one process offer each other (a local sync).
const TypeHandoff Type = 0x12

// Handoff ends file ID like FileEnd, for a whole file whose data did not
// travel on the connection: the sender handed its open descriptor to the
// receiver in the same process, out of band, and the receiver copies Size
// bytes from it (fewer if the file shrank meanwhile). No checksum: the data
// never leaves the kernel.
type Handoff struct {
	ID   uint64
	Size int64
}

// Type implements Message.
func (*Handoff) Type() Type { return TypeHandoff }

// AppendTo implements Message.
func (m *Handoff) AppendTo(b []byte) []byte {
	b = appendUvarint(b, m.ID)
	return appendUvarint(b, uint64(m.Size))
}

func (m *Handoff) decode(d *decoder) {
	m.ID = d.uvarint()
	m.Size = int64(d.small(1<<62, "handoff: size"))
}
