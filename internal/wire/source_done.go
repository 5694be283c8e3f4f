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

// TypeSourceError is the optional message of a sender's failure outside
// the entry stream.
const TypeSourceError Type = 0x84

// SourceError reports, from the sender to the receiver, a failure tied to
// Path that happened outside the entry stream: today, removing a source
// file after its SourceDone (--remove-source-files). The receiver reports
// it as that path's error of the pass (a client prints it, the run is
// partial). The sender sends it before its PassDone; it does not count the
// failure in its own stats, the receiver does. A receiver that does not
// know the message skips it.
type SourceError struct {
	Path    string
	Code    uint64 // an ErrCode*
	Message string
}

// Type implements Message.
func (*SourceError) Type() Type { return TypeSourceError }

// AppendTo implements Message.
func (m *SourceError) AppendTo(b []byte) []byte {
	b = appendString(b, m.Path)
	b = appendUvarint(b, m.Code)
	return appendString(b, m.Message)
}

func (m *SourceError) decode(d *decoder) {
	m.Path = d.string()
	m.Code = d.uvarint()
	m.Message = d.string()
}
