package refine

import (
	"fmt"
	"io"
	"math"

	"github.com/ferrysync/ferry/delta"

	"github.com/ferrysync/ferry/internal/bufpool"
)

// emitChunk bounds the literal data Emit reads at once.
const emitChunk = 256 << 10

// Emit writes the final operations of seg to w, adjacent copies merged:
// round-1 copies as they are; for each refined region (sigs[k], as
// returned by Regions for seg) a copy of every block runs[k] places in the
// basis and literals, read from newFile, for the rest; other literal
// ranges read from newFile. runs come from the peer: a run outside its
// region's blocks or the basis fails with ErrCorrupt before anything is
// written.
func (seg *Segment) Emit(newFile io.ReaderAt, sigs []*RegionSig, runs [][]BlockRun, basisSize int64, w delta.OpWriter) error {
	if len(runs) != len(sigs) {
		return fmt.Errorf("%w: %d answers for %d refined regions", delta.ErrCorrupt, len(runs), len(sigs))
	}
	offs := make([][]int64, len(sigs))
	for k, rs := range sigs {
		o, err := blockOffsets(rs, runs[k], basisSize)
		if err != nil {
			return err
		}
		offs[k] = o
	}
	e := emitter{r: newFile, out: delta.CopyMerger{W: w}}
	defer func() { bufpool.Put(e.buf) }()
	k := 0
	for _, op := range seg.Ops {
		var err error
		switch {
		case op.IsCopy():
			err = e.out.Copy(op.BasisOff, op.Len)
		case k < len(sigs) && sigs[k].NewOff == op.NewOff && sigs[k].NewLen == op.Len:
			err = e.region(sigs[k], offs[k])
			k++
		default:
			err = e.literal(op.NewOff, op.NewOff+op.Len)
		}
		if err != nil {
			return err
		}
	}
	if k != len(sigs) {
		return fmt.Errorf("%w: refined region at %d is not a literal of the segment", delta.ErrParams, sigs[k].NewOff)
	}
	return e.out.Flush()
}

// blockOffsets turns a region's runs into one basis offset per block (-1:
// not found), checking them.
func blockOffsets(rs *RegionSig, runs []BlockRun, basisSize int64) ([]int64, error) {
	offs := make([]int64, rs.Blocks())
	for i := range offs {
		offs[i] = -1
	}
	bl := int64(rs.BlockLen)
	for _, r := range runs {
		if r.First < 0 || r.Count < 1 || r.First > len(offs)-r.Count || r.BasisOff < 0 ||
			int64(r.Count) > (math.MaxInt64-r.BasisOff)/bl || r.BasisOff+int64(r.Count)*bl > basisSize {
			return nil, fmt.Errorf("%w: refine run of %d blocks from %d at basis %d", delta.ErrCorrupt, r.Count, r.First, r.BasisOff)
		}
		for i := range r.Count {
			offs[r.First+i] = r.BasisOff + int64(i)*bl
		}
	}
	return offs, nil
}

// emitter writes operations, reading literal bytes from the new file.
type emitter struct {
	r   io.ReaderAt
	out delta.CopyMerger
	buf []byte
}

// region emits one refined region: copies of the found blocks (the
// overlapping last block only past what is already written), literals in
// between.
func (e *emitter) region(rs *RegionSig, offs []int64) error {
	cur, bl := rs.NewOff, int64(rs.BlockLen)
	for i, bo := range offs {
		if bo < 0 {
			continue
		}
		start := rs.blockNewOff(i)
		if start+bl <= cur {
			continue
		}
		skip := max(cur-start, 0)
		if err := e.literal(cur, start); err != nil {
			return err
		}
		if err := e.out.Copy(bo+skip, bl-skip); err != nil {
			return err
		}
		cur = start + bl
	}
	return e.literal(cur, rs.NewOff+rs.NewLen)
}

// literal emits new-file bytes [from, to).
func (e *emitter) literal(from, to int64) error {
	if e.buf == nil && to > from {
		e.buf = bufpool.Get(emitChunk)
	}
	for from < to {
		p := e.buf[:min(to-from, emitChunk)]
		if err := readAtFull(e.r, p, from); err != nil {
			return fmt.Errorf("new file: %w", err)
		}
		if err := e.out.Literal(p); err != nil {
			return err
		}
		from += int64(len(p))
	}
	return nil
}
