package refine

import (
	"fmt"
	"io"

	"github.com/ferrysync/ferry/delta"

	"github.com/ferrysync/ferry/internal/bufpool"
)

// Refinement: the second round of a delta.
//
// Round 1 signs the basis with blocks of about sqrt(size) bytes, so a 4 KiB
// edit of a 1 GiB file costs one or two whole 32 KiB blocks of literal
// data. The refinement round shrinks those regions to the bytes really
// changed, at a small signature cost:
//
//	sender (has the new file)              receiver (has the basis)
//	round 1: Delta into a Recorder,
//	  which yields Segments of PlanOps
//	Regions: the literal regions of at
//	  least MinRegion bytes, each with the
//	  basis ranges (hints) between the
//	  copies around it
//	SignRegion: small blocks of the NEW
//	  region (about sqrt(len·(4+StrongLen))
//	  bytes), weak + short strong hash  ──►  Find: roll over the hint ranges
//	                                          of the basis, confirm weak hits
//	                                     ◄──  by the strong hash; answer
//	                                          BlockRuns: block i is at basis
//	                                          offset o
//	Emit: round-1 copies, copies of the
//	  found blocks, the rest as literals
//	  read again from the new file
//
// Why this direction (the sender signs the new region, the receiver
// searches) rather than the receiver re-signing unused basis ranges: the
// sender alone knows where its literal regions are, so it can sign them
// the moment round 1 ends, with no extra message to announce them; the
// answer is a few runs per region instead of literal data; and the search
// is confined to the basis ranges between the copies around each region,
// where the edited data came from, so the receiver's work is proportional
// to the literal bytes of round 1, not to the basis. Data that moved far
// away is round 1's job (whole blocks anywhere in the basis).
//
// Signature cost: a region of L bytes with b-byte blocks sends
// L/b·(4+StrongLen) bytes and loses on average about b bytes per edit
// boundary; b = sqrt(L·(4+StrongLen)) balances the two. The strong hash is
// short because a false match only costs a retry: the whole file is
// verified by its sum at its end, and a search compares at most
// hint·blocks/2^(32+8·StrongLen) candidate pairs (2^-48 for 48-bit strong
// sums on a 64 KiB hint).
//
// Every piece is a pure function over io.ReaderAt: the protocol carries
// RegionSigs one way and BlockRuns the other.

// RefineParams are the parameters of the refinement round. Both sides must
// use the same hashes.
type RefineParams struct {
	Rolling   delta.RollingHash
	Strong    delta.StrongHash
	StrongLen int   // bytes of strong hash per small block
	MinRegion int64 // literal regions shorter than this stay literal
	MaxRegion int64 // and so do longer ones (no 32 KiB block matched inside)
	// MinBlockLen and MaxBlockLen bound the small block length.
	MinBlockLen, MaxBlockLen int
}

// Limits of the refinement round, checked by Find.
const (
	// MaxRefineBlockLen is the largest small block length accepted.
	MaxRefineBlockLen = 64 << 10
	// MaxRefineHints is the most basis ranges searched per region.
	MaxRefineHints = 2
)

// FerryRefineParams returns ferry's refinement parameters: RabinKarp weak
// sums, 6 bytes of XXH3-128 seeded with seed, blocks of 256 B to 8 KiB,
// regions of 4 KiB to 64 MiB.
func FerryRefineParams(seed uint64) RefineParams {
	return RefineParams{Rolling: delta.RabinKarp(), Strong: delta.XXH3(seed), StrongLen: 6,
		MinRegion: 4 << 10, MaxRegion: 64 << 20, MinBlockLen: 256, MaxBlockLen: 8 << 10}
}

// Check reports whether p is usable.
func (p RefineParams) Check() error {
	switch {
	case p.Rolling == nil || p.Strong == nil:
		return fmt.Errorf("%w: missing hash", delta.ErrParams)
	case p.StrongLen < 1 || p.StrongLen > p.Strong.Size() || p.StrongLen > delta.MaxStrongLen:
		return fmt.Errorf("%w: strong length %d", delta.ErrParams, p.StrongLen)
	case p.MinBlockLen < 1 || p.MaxBlockLen < p.MinBlockLen || p.MaxBlockLen > MaxRefineBlockLen:
		return fmt.Errorf("%w: block lengths [%d, %d]", delta.ErrParams, p.MinBlockLen, p.MaxBlockLen)
	}
	return nil
}

// BlockLen returns the small block length for a region of n bytes:
// sqrt(n·(4+StrongLen)) rounded up to a multiple of 64, clamped to
// [MinBlockLen, MaxBlockLen] and to at most n/2.
func (p RefineParams) BlockLen(n int64) int {
	bl := (sqrtFloor(min(n, 1<<40)*int64(4+p.StrongLen)) + 63) &^ 63
	bl = min(max(bl, int64(p.MinBlockLen)), int64(p.MaxBlockLen), n/2)
	return int(max(bl, 1))
}

// A Range is a range of the basis.
type Range struct{ Off, Len int64 }

// A RegionSig is the small-block signature of one literal region of the
// new file, with the basis ranges the receiver searches. Blocks tile the
// region from its start; when BlockLen does not divide its length, one more
// block ends at its end (overlapping the one before).
type RegionSig struct {
	NewOff, NewLen int64   // the region (sender side; unknown to the receiver)
	Hints          []Range // basis ranges to search
	BlockLen       int
	Weak           []uint32 // per block
	Strong         []byte   // StrongLen bytes per block
}

// Blocks returns the number of blocks.
func (rs *RegionSig) Blocks() int { return len(rs.Weak) }

// blockNewOff returns where block i starts in the new file.
func (rs *RegionSig) blockNewOff(i int) int64 {
	if off := int64(i) * int64(rs.BlockLen); off+int64(rs.BlockLen) <= rs.NewLen {
		return rs.NewOff + off
	}
	return rs.NewOff + rs.NewLen - int64(rs.BlockLen)
}

// maxHint is the most hint bytes Find accepts for count blocks of bl
// bytes: about twice the region, which is what Regions produces.
func maxHint(count, bl int) int64 { return 2 * int64(count+2) * int64(bl) }

// Regions signs the literal regions of seg worth refining: those of at
// least MinRegion bytes with a copy on at least one side, whose hint
// ranges are not empty. It reads them from newFile. basisSize bounds the
// hints.
func (p RefineParams) Regions(newFile io.ReaderAt, seg *Segment, basisSize int64) ([]*RegionSig, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	var out []*RegionSig
	prev := seg.PrevEnd
	for i, op := range seg.Ops {
		if op.IsCopy() {
			prev = op.BasisOff + op.Len
			continue
		}
		next := seg.NextStart
		if i+1 < len(seg.Ops) {
			next = seg.Ops[i+1].BasisOff // literals are merged: a copy
		}
		if op.Len < max(p.MinRegion, 2) || (p.MaxRegion > 0 && op.Len > p.MaxRegion) {
			continue
		}
		bl := p.BlockLen(op.Len)
		hints := hintRanges(prev, next, op.Len, int64(bl), basisSize)
		if len(hints) == 0 {
			continue
		}
		rs, err := p.sign(newFile, op.NewOff, op.Len, bl)
		if err != nil {
			return nil, err
		}
		rs.Hints = hints
		out = append(out, rs)
	}
	return out, nil
}

// hintRanges returns where in the basis the data of a literal region of n
// bytes most likely came from: between the copies around it, or, when
// they are far apart or out of order, n bytes (plus a block of slack) after
// the previous copy and before the next one. prev and next are -1 when
// there is no copy on that side.
func hintRanges(prev, next, n, bl, basisSize int64) []Range {
	win := n + bl
	var rs []Range
	add := func(lo, hi int64) {
		lo, hi = max(lo, 0), min(hi, basisSize)
		if hi-lo < bl {
			return
		}
		if k := len(rs); k > 0 && lo <= rs[k-1].Off+rs[k-1].Len {
			rs[k-1].Len = max(rs[k-1].Len, hi-rs[k-1].Off)
			return
		}
		rs = append(rs, Range{Off: lo, Len: hi - lo})
	}
	switch {
	case prev >= 0 && next >= 0 && prev <= next && next-prev <= 2*win:
		add(prev-bl, next+bl)
	case prev >= 0 && next >= 0 && next < prev:
		add(next-win, next+bl)
		add(prev-bl, prev+win)
	default:
		if prev >= 0 {
			add(prev-bl, prev+win)
		}
		if next >= 0 {
			add(next-win, next+bl)
		}
	}
	return rs
}

// signRead is about how much of a region sign reads at once.
const signRead = 256 << 10

// sign computes the small-block signature of new-file bytes [off, off+n).
// It reads the region in pieces of whole blocks, about signRead bytes
// each, not a block at a time: a region of a few hundred KiB would
// otherwise cost a system call per block of a few hundred bytes.
func (p RefineParams) sign(newFile io.ReaderAt, off, n int64, bl int) (*RegionSig, error) {
	rs := &RegionSig{NewOff: off, NewLen: n, BlockLen: bl}
	count := int(n / int64(bl))
	if n%int64(bl) != 0 {
		count++
	}
	rs.Weak = make([]uint32, count)
	rs.Strong = make([]byte, 0, count*p.StrongLen)
	per := max(1, signRead/bl) // blocks per read
	buf := bufpool.Get(int(min(int64(per*bl), n)))
	defer bufpool.Put(buf)
	var tmp [64]byte
	for first := 0; first < count; first += per {
		// Blocks first..last-1 start at blockNewOff(first) and are
		// contiguous but for the last block of the region, which may
		// overlap the one before; so read from the first one's start to
		// the last one's end.
		last := min(first+per, count)
		lo := rs.blockNewOff(first)
		hi := rs.blockNewOff(last-1) + int64(bl)
		b := buf[:hi-lo]
		if err := readAtFull(newFile, b, lo); err != nil {
			return nil, err
		}
		for i := first; i < last; i++ {
			o := rs.blockNewOff(i) - lo
			blk := b[o : o+int64(bl)]
			rs.Weak[i] = p.Rolling.Sum(blk)
			rs.Strong = append(rs.Strong, p.Strong.Sum(tmp[:0], blk)[:p.StrongLen]...)
		}
	}
	return rs, nil
}

// readAtFull fills p from r at off; io.EOF with a full p is no error.
func readAtFull(r io.ReaderAt, p []byte, off int64) error {
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("read %d bytes at %d: %w", len(p), off, err)
}

// sqrtFloor is the integer square root of v (v >= 0).
func sqrtFloor(v int64) int64 {
	if v < 2 {
		return v
	}
	var r int64
	for b := int64(1) << 31; b > 0; b >>= 1 {
		if c := r | b; c*c <= v {
			r = c
		}
	}
	return r
}
