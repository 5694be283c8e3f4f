package wire

// The refinement round (capability "refine-v1", docs/PROTOCOL.md section
// 5.5): after round 1 of a file's delta the sender signs its literal
// regions with small blocks (RefineSig) and the receiver answers where in
// its basis it found them (RefineMatch).

// Refinement message types. They are required types: a peer sends them
// only when both sides offered refine-v1.
const (
	TypeRefineSig   Type = 0x10
	TypeRefineMatch Type = 0x11
)

// Limits on refinement messages.
const (
	MaxRefineBlockLen = 64 << 10 // a small block's length
	MaxRefineHints    = 2        // basis ranges per region
	MaxRefineStrong   = 16       // bytes of a small block's strong hash
)

// newRefine returns an empty refinement message of type t, or nil.
func newRefine(t Type) Message {
	switch t {
	case TypeRefineSig:
		return new(RefineSig)
	case TypeRefineMatch:
		return new(RefineMatch)
	}
	return nil
}

// RefineRange is a range of the receiver's basis.
type RefineRange struct {
	Off, Len int64
}

// RefineRegion is the small-block signature of one literal region of the
// new file: Weak and Strong (StrongLen bytes each, concatenated) per block,
// and the basis ranges to search.
type RefineRegion struct {
	Hints    []RefineRange
	BlockLen uint64
	Weak     []uint32
	Strong   []byte
}

// RefineSig asks the receiver of file ID which blocks of these regions its
// basis holds. Seq numbers a file's RefineSigs 0, 1, 2, ... in order.
type RefineSig struct {
	ID, Seq   uint64
	StrongLen uint64
	Regions   []RefineRegion
}

// Type implements Message.
func (*RefineSig) Type() Type { return TypeRefineSig }

// AppendTo implements Message.
func (m *RefineSig) AppendTo(b []byte) []byte {
	b = appendUvarint(b, m.ID)
	b = appendUvarint(b, m.Seq)
	b = appendUvarint(b, m.StrongLen)
	b = appendUvarint(b, uint64(len(m.Regions)))
	for _, rg := range m.Regions {
		b = appendUvarint(b, uint64(len(rg.Hints)))
		for _, h := range rg.Hints {
			b = appendUvarint(b, uint64(h.Off))
			b = appendUvarint(b, uint64(h.Len))
		}
		b = appendUvarint(b, rg.BlockLen)
		b = appendUvarint(b, uint64(len(rg.Weak)))
		for i, w := range rg.Weak {
			b = append(b, byte(w>>24), byte(w>>16), byte(w>>8), byte(w))
			b = append(b, rg.Strong[uint64(i)*m.StrongLen:uint64(i+1)*m.StrongLen]...)
		}
	}
	return b
}

func (m *RefineSig) decode(d *decoder) {
	m.ID = d.uvarint()
	m.Seq = d.uvarint()
	m.StrongLen = d.small(MaxRefineStrong, "refine sig: strong length")
	if d.err == nil && m.StrongLen == 0 {
		d.fail("refine sig: zero strong length")
	}
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b))/3 {
		d.fail("refine sig: region count beyond payload")
		return
	}
	if n == 0 {
		return
	}
	m.Regions = make([]RefineRegion, n)
	for i := range m.Regions {
		rg := &m.Regions[i]
		nh := d.small(MaxRefineHints, "refine sig: hint count")
		for range nh {
			off := d.small(1<<62, "refine sig: hint offset")
			ln := d.small(1<<62, "refine sig: hint length")
			rg.Hints = append(rg.Hints, RefineRange{Off: int64(off), Len: int64(ln)})
		}
		rg.BlockLen = d.small(MaxRefineBlockLen, "refine sig: block length")
		if d.err == nil && rg.BlockLen == 0 {
			d.fail("refine sig: zero block length")
		}
		nb := d.uvarint()
		rec := 4 + m.StrongLen
		if d.err != nil || nb > uint64(len(d.b))/rec {
			d.fail("refine sig: block count beyond payload")
			m.Regions = nil
			return
		}
		if nb == 0 {
			continue
		}
		raw := d.raw(nb * rec)
		rg.Weak = make([]uint32, nb)
		rg.Strong = make([]byte, 0, nb*m.StrongLen)
		for k := range rg.Weak {
			r := raw[uint64(k)*rec:]
			rg.Weak[k] = uint32(r[0])<<24 | uint32(r[1])<<16 | uint32(r[2])<<8 | uint32(r[3])
			rg.Strong = append(rg.Strong, r[4:rec]...)
		}
	}
	if d.err != nil {
		m.Regions = nil
	}
}

// RefineRun says that blocks First .. First+Count-1 of a region are at
// basis offsets BasisOff, BasisOff+BlockLen, ...
type RefineRun struct {
	First, Count uint64
	BasisOff     int64
}

// RefineMatch answers the RefineSig of file ID with sequence Seq: for each
// of its regions, in order, the runs of blocks the receiver found.
type RefineMatch struct {
	ID, Seq uint64
	Regions [][]RefineRun
}

// Type implements Message.
func (*RefineMatch) Type() Type { return TypeRefineMatch }

// AppendTo implements Message.
func (m *RefineMatch) AppendTo(b []byte) []byte {
	b = appendUvarint(b, m.ID)
	b = appendUvarint(b, m.Seq)
	b = appendUvarint(b, uint64(len(m.Regions)))
	for _, runs := range m.Regions {
		b = appendUvarint(b, uint64(len(runs)))
		for _, r := range runs {
			b = appendUvarint(b, r.First)
			b = appendUvarint(b, r.Count)
			b = appendUvarint(b, uint64(r.BasisOff))
		}
	}
	return b
}

func (m *RefineMatch) decode(d *decoder) {
	m.ID = d.uvarint()
	m.Seq = d.uvarint()
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.fail("refine match: region count beyond payload")
		return
	}
	if n == 0 {
		return
	}
	m.Regions = make([][]RefineRun, n)
	for i := range m.Regions {
		nr := d.uvarint()
		if d.err != nil || nr > uint64(len(d.b))/3 {
			d.fail("refine match: run count beyond payload")
			m.Regions = nil
			return
		}
		if nr == 0 {
			continue
		}
		runs := make([]RefineRun, nr)
		for k := range runs {
			runs[k].First = d.small(1<<32, "refine match: first block")
			runs[k].Count = d.small(1<<32, "refine match: block count")
			runs[k].BasisOff = int64(d.small(1<<62, "refine match: offset"))
		}
		m.Regions[i] = runs
	}
	if d.err != nil {
		m.Regions = nil
	}
}
