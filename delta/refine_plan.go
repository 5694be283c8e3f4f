package delta

import "fmt"

// A PlanOp is one round-1 operation placed in the new file: a copy of
// Len basis bytes at BasisOff, or (BasisOff < 0) Len literal bytes of the
// new file at NewOff, recorded without the bytes themselves.
type PlanOp struct {
	NewOff   int64
	Len      int64
	BasisOff int64 // -1 for a literal
}

// IsCopy reports whether o is a copy.
func (o PlanOp) IsCopy() bool { return o.BasisOff >= 0 }

// A Segment is round 1's plan for one stretch of the new file: its
// operations in order, adjacent literals merged, and the basis positions of
// the copies just outside it, which tell where the data of a literal region
// at its edge most likely came from.
type Segment struct {
	Seq uint64   // 0, 1, 2, ... in file order
	Ops []PlanOp // non-empty, contiguous in the new file
	// PrevEnd is the basis end of the copy before the segment, NextStart
	// the basis start of the copy after it; -1 when there is none.
	PrevEnd, NextStart int64
}

// A Recorder is an OpWriter that records round 1 of a delta as Segments
// of about span bytes of the new file each, handing each one to flush as
// soon as the copy after it is known. It keeps no literal bytes: the
// caller reads them again from the new file when it emits the segment.
type Recorder struct {
	span    int64
	flush   func(*Segment) error
	cur     *Segment
	start   int64 // new-file offset where cur starts
	pos     int64 // new-file bytes recorded so far
	seq     uint64
	prevEnd int64
	closed  bool
}

// NewRecorder returns a Recorder that cuts segments of at least span bytes
// (the last may be shorter) and passes them to flush in order.
func NewRecorder(span int64, flush func(*Segment) error) *Recorder {
	return &Recorder{span: max(span, 1), flush: flush, prevEnd: -1}
}

// Size returns the new-file bytes recorded so far.
func (r *Recorder) Size() int64 { return r.pos }

// Copy records a copy. When the current segment spans at least span bytes
// it is flushed first, this copy being the one after it.
func (r *Recorder) Copy(off, n int64) error {
	if n <= 0 {
		return nil
	}
	if off < 0 {
		return fmt.Errorf("%w: copy at %d", ErrBasisRange, off)
	}
	if r.cur != nil && r.pos-r.start >= r.span {
		if err := r.emit(off); err != nil {
			return err
		}
	}
	if c := r.last(); c != nil && c.IsCopy() && c.BasisOff+c.Len == off {
		c.Len += n
	} else {
		r.add(PlanOp{NewOff: r.pos, Len: n, BasisOff: off})
	}
	r.pos += n
	return nil
}

// Literal records the position of p.
func (r *Recorder) Literal(p []byte) error {
	n := int64(len(p))
	if n == 0 {
		return nil
	}
	if c := r.last(); c != nil && !c.IsCopy() {
		c.Len += n
	} else {
		r.add(PlanOp{NewOff: r.pos, Len: n, BasisOff: -1})
	}
	r.pos += n
	return nil
}

// Close flushes the last segment. The Recorder must not be used after.
func (r *Recorder) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if r.cur == nil {
		return nil
	}
	return r.emit(-1)
}

func (r *Recorder) last() *PlanOp {
	if r.cur == nil || len(r.cur.Ops) == 0 {
		return nil
	}
	return &r.cur.Ops[len(r.cur.Ops)-1]
}

func (r *Recorder) add(o PlanOp) {
	if r.cur == nil {
		r.cur = &Segment{Seq: r.seq, PrevEnd: r.prevEnd}
		r.start = r.pos
	}
	r.cur.Ops = append(r.cur.Ops, o)
}

// emit flushes the current segment; next is the basis start of the copy
// that follows it, or -1.
func (r *Recorder) emit(next int64) error {
	s := r.cur
	r.cur = nil
	r.seq++
	s.NextStart = next
	for i := len(s.Ops) - 1; i >= 0; i-- {
		if c := s.Ops[i]; c.IsCopy() {
			r.prevEnd = c.BasisOff + c.Len
			break
		}
	}
	return r.flush(s)
}
