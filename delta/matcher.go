package delta

import (
	"errors"
	"io"

	"github.com/ferrysync/ferry/internal/bufpool"
)

// A Matcher generates deltas against one signature. Build it once and run
// Delta over any number of new files or sections of one; it is safe for
// concurrent use.
type Matcher struct {
	sig *Signature
	idx *index
}

// NewMatcher indexes sig. sig must not change afterwards.
func NewMatcher(sig *Signature) *Matcher {
	return &Matcher{sig: sig, idx: newIndex(sig)}
}

// Delta reads the new file from r once, sequentially, and writes to w the
// operations that rebuild it from the basis sig describes. It is
// NewMatcher(sig).Delta(r, w).
func Delta(sig *Signature, r io.Reader, w OpWriter) error {
	return NewMatcher(sig).Delta(r, w)
}

// minWindow is the least buffer a delta run holds; it is also at least four
// blocks.
const minWindow = 4 << 20

// Delta reads r to its end and writes the operations that rebuild it to w,
// with adjacent copies merged. Copy offsets are basis offsets from the
// signature; literals are the bytes of r. Memory is the index plus a window
// of max(4 MiB, 4 blocks).
func (m *Matcher) Delta(r io.Reader, w OpWriter) error {
	bl := m.sig.BlockLen
	win := max(minWindow, 4*bl)
	d := &differ{
		m:      m,
		r:      r,
		out:    CopyMerger{W: w},
		buf:    bufpool.Get(win),
		maxLit: win / 4,
		maxRun: max(1, win/2/bl),
		expect: -1,
		roller: m.sig.Rolling.NewRoller(),
	}
	defer bufpool.Put(d.buf) // after the helpers stop
	if n := m.sig.workers() - 1; n > 0 {
		d.helpers = startHelpers(n)
		defer d.helpers.stop()
	}
	if err := d.run(); err != nil {
		return err
	}
	return d.out.Flush()
}

// differ is the state of one Delta run. buf[lit:i] is pending literal data,
// buf[i:n] unread by the search, and the roller holds the checksum of
// buf[i:i+BlockLen] when rolling is true.
type differ struct {
	m       *Matcher
	r       io.Reader
	out     CopyMerger
	buf     []byte
	n, i    int
	lit     int
	eof     bool
	maxLit  int
	roller  Roller
	rolling bool
	expect  int // block expected next after a match, or -1
	maxRun  int // blocks verified per batch
	helpers *helpers
	pos     []int
}

func (d *differ) run() error {
	bl := d.m.sig.BlockLen
	filter := d.m.idx.filter
	for {
		if d.expect >= 0 {
			if err := d.fill(min(d.maxRun*bl, len(d.buf)/2)); err != nil {
				return err
			}
			if err := d.verifyRun(); err != nil {
				return err
			}
			if d.expect >= 0 {
				continue
			}
		}
		need := bl
		if d.rolling {
			need = bl + 1
		}
		if err := d.fill(need); err != nil {
			return err
		}
		if d.n-d.i < need {
			return d.tail()
		}
		var hit bool
		if !d.rolling {
			d.roller.Reset(d.buf[d.i : d.i+bl])
			d.rolling = true
			hit = filter.Has(d.roller.Sum32())
		} else {
			var k int
			k, hit = d.roller.Scan(d.buf[d.i:d.n], filter)
			d.i += k
		}
		if !hit {
			continue
		}
		if j := d.m.idx.lookup(d.roller.Sum32(), d.buf[d.i:d.i+bl]); j >= 0 {
			if err := d.match(j, bl); err != nil {
				return err
			}
		}
	}
}

// tail searches the last bytes, fewer than a block plus one, by shrinking
// the window from the front, so that a short last block of the basis can
// match the end of the new file.
func (d *differ) tail() error {
	filter := d.m.idx.filter
	if d.n > d.i {
		check := true
		if d.rolling && d.roller.Len() == d.n-d.i {
			check = false // that window was tested already
		} else {
			d.roller.Reset(d.buf[d.i:d.n])
		}
		for d.i < d.n {
			if w := d.roller.Sum32(); check && filter.Has(w) {
				if j := d.m.idx.lookup(w, d.buf[d.i:d.n]); j >= 0 {
					if err := d.match(j, d.n-d.i); err != nil {
						return err
					}
					break
				}
			}
			check = true
			d.roller.RollOut(d.buf[d.i])
			d.i++
		}
	}
	return d.out.Literal(d.buf[d.lit:d.n])
}

// match emits the pending literal and a copy of block j, whose first n bytes
// equal buf[i:i+n].
func (d *differ) match(j, n int) error {
	if err := d.out.Literal(d.buf[d.lit:d.i]); err != nil {
		return err
	}
	if err := d.out.Copy(d.m.sig.Blocks[j].Offset, int64(n)); err != nil {
		return err
	}
	d.i += n
	d.lit = d.i
	d.rolling = false
	d.expect = j + 1
	return nil
}

// fill makes buf[i:n] hold at least need bytes unless the input ends,
// flushing long literals and moving the pending data to the front.
func (d *differ) fill(need int) error {
	if d.n-d.i >= need || d.eof {
		return nil
	}
	if d.i-d.lit > d.maxLit {
		if err := d.out.Literal(d.buf[d.lit:d.i]); err != nil {
			return err
		}
		d.lit = d.i
	}
	if d.lit > 0 {
		copy(d.buf, d.buf[d.lit:d.n])
		d.n -= d.lit
		d.i -= d.lit
		d.lit = 0
	}
	for d.n-d.i < need && !d.eof && d.n < len(d.buf) {
		k, err := io.ReadFull(d.r, d.buf[d.n:])
		d.n += k
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			d.eof = true
		} else if err != nil {
			return err
		}
	}
	return nil
}

// verifyRun checks whether the blocks expect, expect+1, ... follow at buf[i:]
// by their strong sums alone, hashing up to maxRun of them with the
// helpers, and emits a copy for each one that does. At the first mismatch it
// ends the run.
func (d *differ) verifyRun() error {
	sig := d.m.sig
	d.pos = d.pos[:0]
	p := d.i
	for j := d.expect; j < len(sig.Blocks) && len(d.pos) < d.maxRun; j++ {
		if p+sig.Blocks[j].Len > d.n {
			break
		}
		d.pos = append(d.pos, p)
		p += sig.Blocks[j].Len
	}
	cnt := len(d.pos)
	if cnt == 0 {
		d.expect = -1
		return nil
	}
	b := &verifyBatch{sig: sig, buf: d.buf, first: d.expect, pos: d.pos}
	c := b.run(d.helpers)
	for k := 0; k < c; k++ {
		bk := sig.Blocks[d.expect+k]
		if err := d.out.Copy(bk.Offset, int64(bk.Len)); err != nil {
			return err
		}
	}
	if c > 0 {
		d.i = d.pos[c-1] + sig.Blocks[d.expect+c-1].Len
		d.lit = d.i
	}
	if c < cnt || d.expect+c >= len(sig.Blocks) {
		d.expect = -1
		return nil
	}
	d.expect += c
	return nil
}
