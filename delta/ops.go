package delta

import (
	"fmt"
	"io"
	"math"
)

// An OpWriter receives a delta as a stream of operations that rebuild the
// new file in order: copy a range of the basis, or insert literal bytes. The
// rdiff encoder and ferry's wire protocol both implement it.
type OpWriter interface {
	// Copy appends n bytes of the basis starting at off.
	Copy(off, n int64) error
	// Literal appends p. p is only valid during the call.
	Literal(p []byte) error
}

// copyMerger joins adjacent copies before passing them on.
type copyMerger struct {
	w       OpWriter
	off, n  int64
	pending bool
}

func (m *copyMerger) Copy(off, n int64) error {
	if n == 0 {
		return nil
	}
	if m.pending && m.off+m.n == off {
		m.n += n
		return nil
	}
	if err := m.flush(); err != nil {
		return err
	}
	m.off, m.n, m.pending = off, n, true
	return nil
}

func (m *copyMerger) Literal(p []byte) error {
	if len(p) == 0 {
		return nil
	}
	if err := m.flush(); err != nil {
		return err
	}
	return m.w.Literal(p)
}

func (m *copyMerger) flush() error {
	if !m.pending {
		return nil
	}
	m.pending = false
	return m.w.Copy(m.off, m.n)
}

// A Patcher applies operations: it writes the new file to Out, reading
// copied ranges from Basis. It implements OpWriter.
type Patcher struct {
	basis io.ReaderAt
	size  int64 // basis size, or -1 when unknown
	out   io.Writer
	buf   []byte
}

// patchChunk bounds the buffer a Patcher copies through.
const patchChunk = 256 << 10

// NewPatcher returns a Patcher. When basis has a Size() int64 method (like
// *io.SectionReader or *bytes.Reader), copies are checked against it up
// front; otherwise a copy past the end fails when ReadAt reports io.EOF.
func NewPatcher(basis io.ReaderAt, out io.Writer) *Patcher {
	p := &Patcher{basis: basis, out: out, size: -1}
	if s, ok := basis.(interface{ Size() int64 }); ok {
		p.size = s.Size()
	}
	return p
}

// Copy copies n basis bytes at off to the output.
func (p *Patcher) Copy(off, n int64) error {
	if off < 0 || n < 0 || off > math.MaxInt64-n || (p.size >= 0 && off+n > p.size) {
		return fmt.Errorf("%w: %d bytes at %d", ErrBasisRange, n, off)
	}
	if p.buf == nil {
		p.buf = make([]byte, patchChunk)
	}
	for n > 0 {
		b := p.buf[:min(n, int64(len(p.buf)))]
		got, err := p.basis.ReadAt(b, off)
		if got < len(b) {
			if err == nil || err == io.EOF {
				return fmt.Errorf("%w: %d bytes at %d", ErrBasisRange, n, off)
			}
			return fmt.Errorf("read basis at %d: %w", off, err)
		}
		if _, err := p.out.Write(b); err != nil {
			return err
		}
		off += int64(len(b))
		n -= int64(len(b))
	}
	return nil
}

// Literal writes b to the output.
func (p *Patcher) Literal(b []byte) error {
	_, err := p.out.Write(b)
	return err
}

// An Op is one recorded operation: a copy when Data is nil, else a literal.
type Op struct {
	Off, N int64  // the copied range
	Data   []byte // the literal bytes
}

// OpList records operations in memory; it is meant for tests and small
// files.
type OpList struct {
	Ops []Op
}

// Copy records a copy.
func (l *OpList) Copy(off, n int64) error {
	l.Ops = append(l.Ops, Op{Off: off, N: n})
	return nil
}

// Literal records a copy of p.
func (l *OpList) Literal(p []byte) error {
	l.Ops = append(l.Ops, Op{Data: append([]byte{}, p...)})
	return nil
}
