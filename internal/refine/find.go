package refine

import (
	"bytes"
	"fmt"
	"io"
	"math"

	"github.com/ferrysync/ferry/delta"

	"github.com/ferrysync/ferry/internal/bufpool"
)

// A BlockRun says where the receiver found blocks of a RegionSig: block
// First+i is at basis offset BasisOff + i·BlockLen, for i < Count.
type BlockRun struct {
	First, Count int
	BasisOff     int64
}

// CheckRegion validates a RegionSig received from a peer against a basis
// of basisSize bytes: block length, signature size and hint ranges. Find
// calls it; a decoder may call it early.
func (p RefineParams) CheckRegion(rs *RegionSig, basisSize int64) error {
	if err := p.Check(); err != nil {
		return err
	}
	switch {
	case rs.BlockLen < 1 || rs.BlockLen > MaxRefineBlockLen:
		return fmt.Errorf("%w: refine block length %d", delta.ErrParams, rs.BlockLen)
	case len(rs.Strong) != len(rs.Weak)*p.StrongLen:
		return fmt.Errorf("%w: %d strong bytes for %d blocks", delta.ErrParams, len(rs.Strong), len(rs.Weak))
	case len(rs.Hints) > MaxRefineHints:
		return fmt.Errorf("%w: %d hint ranges", delta.ErrParams, len(rs.Hints))
	}
	var total int64
	for _, h := range rs.Hints {
		if h.Off < 0 || h.Len < 0 || h.Off > math.MaxInt64-h.Len || h.Off+h.Len > basisSize {
			return fmt.Errorf("%w: hint of %d bytes at %d in a %d-byte basis", delta.ErrBasisRange, h.Len, h.Off, basisSize)
		}
		total += h.Len
	}
	if total > maxHint(len(rs.Weak), rs.BlockLen) {
		return fmt.Errorf("%w: %d hint bytes for %d blocks of %d", delta.ErrParams, total, len(rs.Weak), rs.BlockLen)
	}
	return nil
}

// Find searches the hint ranges of the basis for the blocks of rs, rolling
// the weak sum byte by byte and confirming hits by the strong hash, and
// returns where it found them, in block order. Each block is reported at
// its first occurrence. Work is linear in the hint bytes: found blocks
// leave the table, and the search gives up after 64 + 2·blocks weak hits
// that the strong hash refutes (hostile or pathological input).
func (p RefineParams) Find(basis io.ReaderAt, basisSize int64, rs *RegionSig) ([]BlockRun, error) {
	if err := p.CheckRegion(rs, basisSize); err != nil {
		return nil, err
	}
	f := &finder{p: p, rs: rs, basis: basis, bl: rs.BlockLen,
		table: make(map[uint32][]int32, len(rs.Weak)), filter: delta.NewFilter(len(rs.Weak)),
		found: make([]int64, len(rs.Weak)), misses: 64 + 2*len(rs.Weak), roller: p.Rolling.NewRoller()}
	for i, w := range rs.Weak {
		f.table[w] = append(f.table[w], int32(i))
		f.filter.Add(w)
		f.found[i] = -1
	}
	defer func() { bufpool.Put(f.buf) }()
	for _, h := range rs.Hints {
		if err := f.scan(h); err != nil {
			return nil, err
		}
	}
	return f.runs(), nil
}

// finder is the state of one Find.
type finder struct {
	p      RefineParams
	rs     *RegionSig
	basis  io.ReaderAt
	bl     int
	table  map[uint32][]int32 // weak sum -> blocks not found yet
	filter *delta.Filter
	found  []int64 // basis offset per block, or -1
	misses int     // strong-hash refutations left
	roller delta.Roller
	buf    []byte
}

// scan rolls over basis range h, streaming it through a buffer.
func (f *finder) scan(h Range) error {
	bl, end := f.bl, h.Off+h.Len
	if h.Len < int64(bl) {
		return nil
	}
	if need := int(min(h.Len, int64(max(1<<20, 4*bl)))); len(f.buf) < need {
		bufpool.Put(f.buf)
		f.buf = bufpool.Get(need)
	}
	buf := f.buf
	base, n, i := h.Off, 0, 0 // buf[0] is at basis offset base; buf[i:i+bl] is the window
	rolling := false
	for len(f.table) > 0 && f.misses > 0 {
		if n-i < bl+1 && base+int64(n) < end {
			copy(buf, buf[i:n])
			n -= i
			base += int64(i)
			i = 0
			k := int(min(int64(len(buf)-n), end-base-int64(n)))
			if err := readAtFull(f.basis, buf[n:n+k], base+int64(n)); err != nil {
				return fmt.Errorf("read basis: %w", err)
			}
			n += k
		}
		if n-i < bl || (rolling && n-i == bl) {
			return nil // the last window was tested
		}
		if !rolling {
			f.roller.Reset(buf[i : i+bl])
			rolling = true
			if !f.filter.Has(f.roller.Sum32()) {
				continue
			}
		} else {
			k, hit := f.roller.Scan(buf[i:n], f.filter)
			i += k
			if !hit {
				continue
			}
		}
		f.check(buf[i:i+bl], base+int64(i))
	}
	return nil
}

// check confirms a weak hit of window at basis offset off.
func (f *finder) check(window []byte, off int64) {
	w := f.roller.Sum32()
	idx := f.table[w]
	if len(idx) == 0 {
		return
	}
	var tmp [64]byte
	strong := f.p.Strong.Sum(tmp[:0], window)[:f.p.StrongLen]
	keep := idx[:0]
	for _, j := range idx {
		if bytes.Equal(strong, f.rs.Strong[int(j)*f.p.StrongLen:int(j+1)*f.p.StrongLen]) {
			f.found[j] = off
		} else {
			keep = append(keep, j)
		}
	}
	switch {
	case len(keep) == len(idx):
		f.misses--
	case len(keep) == 0:
		delete(f.table, w)
	default:
		f.table[w] = keep
	}
}

// runs groups the found blocks into runs contiguous in the basis.
func (f *finder) runs() []BlockRun {
	var out []BlockRun
	for i, off := range f.found {
		if off < 0 {
			continue
		}
		if k := len(out); k > 0 {
			r := &out[k-1]
			if r.First+r.Count == i && r.BasisOff+int64(r.Count)*int64(f.bl) == off {
				r.Count++
				continue
			}
		}
		out = append(out, BlockRun{First: i, Count: 1, BasisOff: off})
	}
	return out
}
