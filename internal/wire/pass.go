package wire

// Stats are a side's totals for one pass. On the wire they are a count
// followed by that many uvarints in this field order; a decoder ignores
// values past the fields it knows and treats missing ones as zero.
type Stats struct {
	Files            uint64
	RegularFiles     uint64
	Dirs             uint64
	FilesTransferred uint64
	Created          uint64
	Deleted          uint64
	Errors           uint64
	TotalSize        uint64
	LiteralBytes     uint64
	MatchedBytes     uint64
	BytesSent        uint64
	BytesReceived    uint64
	// DeletesSkipped counts the deletions --max-delete stopped.
	DeletesSkipped uint64
}

func (s *Stats) fields() []*uint64 {
	return []*uint64{&s.Files, &s.RegularFiles, &s.Dirs, &s.FilesTransferred, &s.Created,
		&s.Deleted, &s.Errors, &s.TotalSize, &s.LiteralBytes, &s.MatchedBytes,
		&s.BytesSent, &s.BytesReceived, &s.DeletesSkipped}
}

const maxStatsFields = 64

// PassDone ends a pass. The receiver sends it once its entry stream has
// ended and every file is finished; the sender answers with its own.
type PassDone struct {
	Pass  uint64
	Stats Stats
}

// Type implements Message.
func (*PassDone) Type() Type { return TypePassDone }

// AppendTo implements Message.
func (m *PassDone) AppendTo(b []byte) []byte {
	b = appendUvarint(b, m.Pass)
	f := m.Stats.fields()
	b = appendUvarint(b, uint64(len(f)))
	for _, p := range f {
		b = appendUvarint(b, *p)
	}
	return b
}

func (m *PassDone) decode(d *decoder) {
	m.Pass = d.uvarint()
	n := d.small(maxStatsFields, "pass done: stats count")
	f := m.Stats.fields()
	for i := range n {
		v := d.uvarint()
		if int(i) < len(f) {
			*f[i] = v
		}
	}
}

// Itemized event kinds.
const (
	ItemChanged = 1 // an entry was (or, in a dry run, would be) created or updated
	ItemDeleted = 2 // an entry was (or would be) deleted
	ItemNotice  = 3 // a notice about the entry, not an error; Itemize holds its text
)

// Itemized reports one change made by a server-side receiver to the
// client, which asked for events with FlagEvents.
type Itemized struct {
	Kind    uint64
	Path    string
	Itemize string // rsync's 11-character change summary
	Size    int64
}

// Type implements Message.
func (*Itemized) Type() Type { return TypeItemized }

// AppendTo implements Message.
func (m *Itemized) AppendTo(b []byte) []byte {
	b = appendUvarint(b, m.Kind)
	b = appendString(b, m.Path)
	b = appendString(b, m.Itemize)
	return appendUvarint(b, uint64(m.Size))
}

func (m *Itemized) decode(d *decoder) {
	m.Kind = d.uvarint()
	m.Path = d.string()
	m.Itemize = d.string()
	m.Size = int64(d.small(1<<62, "itemized: size"))
}

// Add adds o's counts to s, field by field.
func (s *Stats) Add(o Stats) {
	f, of := s.fields(), o.fields()
	for i := range f {
		*f[i] += *of[i]
	}
}
