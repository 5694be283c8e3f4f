package wire

// TypeTotals carries running counts for progress displays (optional: a
// peer that does not know it skips it).
const TypeTotals Type = 0x90

// Totals kinds.
const (
	// TotalsScan: the sender's scan, which walks the sources ahead of the
	// transfer, has counted this much so far.
	TotalsScan = 1
	// TotalsDone: a server-side receiver has finished this much (entries
	// checked or written, and their regular-file bytes).
	TotalsDone = 2
)

// maxTotalsFields bounds the count of values in a Totals message.
const maxTotalsFields = 64

// Totals reports running counts, at most every ~200 ms and once at the
// end. It is only sent to a client that asked for events (FlagEvents).
// On the wire the counts are a count followed by that many uvarints in
// field order; a decoder ignores values past the fields it knows and
// treats missing ones as zero.
type Totals struct {
	Kind     uint64 // TotalsScan or TotalsDone
	Files    uint64 // entries (files, dirs, links, specials)
	Bytes    uint64 // bytes of regular files
	Complete bool   // TotalsScan: the scan has finished, the counts are final
}

// Type implements Message.
func (*Totals) Type() Type { return TypeTotals }

// AppendTo implements Message.
func (m *Totals) AppendTo(b []byte) []byte {
	b = appendUvarint(b, m.Kind)
	var complete uint64
	if m.Complete {
		complete = 1
	}
	b = appendUvarint(b, 3)
	b = appendUvarint(b, m.Files)
	b = appendUvarint(b, m.Bytes)
	return appendUvarint(b, complete)
}

func (m *Totals) decode(d *decoder) {
	m.Kind = d.uvarint()
	n := d.small(maxTotalsFields, "totals: count")
	for i := range n {
		v := d.uvarint()
		switch i {
		case 0:
			m.Files = v
		case 1:
			m.Bytes = v
		case 2:
			m.Complete = v != 0
		}
	}
}
