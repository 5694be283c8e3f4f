package sender

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/ferrysync/ferry/internal/refine"
	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/delta"
	"github.com/ferrysync/ferry/internal/wire"
)

// CapRefine is the capability of the refinement round (PROTOCOL.md 5.5):
// the sender re-signs its literal regions with small blocks and the
// receiver answers which of them its basis holds.
const CapRefine = "refine-v1"

// Refinement pacing on the sender.
const (
	// refineSpan is the new-file stretch refined per RefineSig.
	refineSpan = 16 << 20
	// maxRefineOutstanding is how many RefineSigs of one file may await
	// their answer (PROTOCOL.md 5.5): the next segment's round 1 runs while
	// the previous one's answer is on its way.
	maxRefineOutstanding = 2
	// maxRefineSigBytes bounds one RefineSig; regions past it stay literal.
	maxRefineSigBytes = wire.MaxPayload / 2
)

// refineWaits routes RefineMatch answers from the reader goroutine to the
// worker serving the file. Each waiting worker registers a channel with
// room for every answer it can have outstanding, so the reader never
// blocks handing one over.
type refineWaits struct {
	mu sync.Mutex
	m  map[uint64]chan *wire.RefineMatch
}

func (w *refineWaits) register(id uint64) chan *wire.RefineMatch {
	ch := make(chan *wire.RefineMatch, maxRefineOutstanding)
	w.mu.Lock()
	if w.m == nil {
		w.m = map[uint64]chan *wire.RefineMatch{}
	}
	w.m[id] = ch
	w.mu.Unlock()
	return ch
}

func (w *refineWaits) unregister(id uint64) {
	w.mu.Lock()
	delete(w.m, id)
	w.mu.Unlock()
}

// gotRefineMatch runs on the reader goroutine and never blocks: an answer
// nobody asked for, or one too many, is a protocol error.
func (s *Engine) gotRefineMatch(m *wire.RefineMatch) error {
	s.refine.mu.Lock()
	ch := s.refine.m[m.ID]
	s.refine.mu.Unlock()
	if ch == nil {
		return fmt.Errorf("%w: unexpected refine answer for id %d", role.ErrProtocol, m.ID)
	}
	select {
	case ch <- m:
		return nil
	default:
		return fmt.Errorf("%w: unsolicited refine answer for id %d", role.ErrProtocol, m.ID)
	}
}

// pendingSeg is a round-1 segment waiting to be emitted.
type pendingSeg struct {
	seg  *refine.Segment
	sigs []*refine.RegionSig // nil: nothing to refine, no answer awaited
}

// refiner runs the two rounds of one file's delta on a worker.
type refiner struct {
	s           *Engine
	r           *request
	f           io.ReaderAt // the new file, read again for regions and literals
	out         *dataWriter
	p           refine.RefineParams
	answers     chan *wire.RefineMatch
	pending     []*pendingSeg
	outstanding int
}

// refineDelta replaces delta.Delta when both sides offered refine-v1: round
// 1 is recorded in segments (refine.Recorder), each segment's literal regions
// are refined with the receiver, and the segment is emitted once its answer
// is in. src reads the file in order (and hashes it); f reads it at
// offsets. It returns the bytes read from src; a connection or protocol error
// is also left in out.connErr, which makes serve end the session.
func (s *Engine) refineDelta(r *request, sig *delta.Signature, f io.ReaderAt, src io.Reader, out *dataWriter) (int64, error) {
	rf := &refiner{s: s, r: r, f: f, out: out, p: refine.FerryRefineParams(s.Cfg.Seed), answers: s.refine.register(r.ID)}
	defer s.refine.unregister(r.ID)
	cr := &countReader{r: src}
	rec := refine.NewRecorder(refineSpan, rf.segment)
	err := delta.NewMatcher(sig).Delta(cr, rec)
	if err == nil {
		err = rec.Close()
	}
	for err == nil && len(rf.pending) > 0 {
		err = rf.emitFront()
	}
	if err != nil && out.connErr == nil {
		rf.drain() // late answers must still find their channel
	}
	return cr.n, err
}

// segment takes one round-1 segment: it sends the segment's RefineSig, if
// any region is worth refining, and emits the segments before it.
func (rf *refiner) segment(seg *refine.Segment) error {
	sigs, err := rf.p.Regions(rf.f, seg, rf.r.BasisSize)
	if err != nil {
		return err
	}
	m := &wire.RefineSig{ID: rf.r.ID, Seq: seg.Seq, StrongLen: uint64(rf.p.StrongLen)}
	size := 0
	for k, rs := range sigs {
		size += 32 + rs.Blocks()*(4+rf.p.StrongLen)
		if size > maxRefineSigBytes {
			sigs = sigs[:k]
			break
		}
		rg := wire.RefineRegion{BlockLen: uint64(rs.BlockLen), Weak: rs.Weak, Strong: rs.Strong}
		for _, h := range rs.Hints {
			rg.Hints = append(rg.Hints, wire.RefineRange{Off: h.Off, Len: h.Len})
		}
		m.Regions = append(m.Regions, rg)
	}
	ps := &pendingSeg{seg: seg}
	if len(sigs) > 0 {
		if err := rf.s.Link.Send(m); err != nil {
			rf.out.connErr = err
			return err
		}
		ps.sigs = sigs
		rf.outstanding++
	}
	rf.pending = append(rf.pending, ps)
	for len(rf.pending) > 1 || (len(rf.pending) == 1 && rf.pending[0].sigs == nil) {
		if err := rf.emitFront(); err != nil {
			return err
		}
	}
	return nil
}

// emitFront waits for the first pending segment's answer, if it has asked
// one, and emits its operations.
func (rf *refiner) emitFront() error {
	ps := rf.pending[0]
	rf.pending[0] = nil
	rf.pending = rf.pending[1:]
	var runs [][]refine.BlockRun
	if ps.sigs != nil {
		m, err := rf.await()
		if err != nil {
			return err
		}
		if runs, err = refineRuns(m, ps); err != nil {
			rf.out.connErr = err
			return err
		}
	}
	err := ps.seg.Emit(rf.f, ps.sigs, runs, rf.r.BasisSize, rf.out)
	if errors.Is(err, delta.ErrCorrupt) && rf.out.connErr == nil {
		rf.out.connErr = fmt.Errorf("%w: refine answer for id %d: %w", role.ErrProtocol, rf.r.ID, err)
	}
	return err
}

// await returns the next answer.
func (rf *refiner) await() (*wire.RefineMatch, error) {
	select {
	case m := <-rf.answers:
		rf.outstanding--
		return m, nil
	case <-rf.s.Link.Done():
		rf.out.connErr = rf.s.Link.Err()
		return nil, rf.out.connErr
	}
}

// drain waits for the answers still outstanding after a failure.
func (rf *refiner) drain() {
	for rf.outstanding > 0 {
		if _, err := rf.await(); err != nil {
			return
		}
	}
}

// refineRuns checks an answer against its request and converts it.
func refineRuns(m *wire.RefineMatch, ps *pendingSeg) ([][]refine.BlockRun, error) {
	if m.Seq != ps.seg.Seq || len(m.Regions) != len(ps.sigs) {
		return nil, fmt.Errorf("%w: refine answer %d with %d regions for request %d with %d",
			role.ErrProtocol, m.Seq, len(m.Regions), ps.seg.Seq, len(ps.sigs))
	}
	runs := make([][]refine.BlockRun, len(m.Regions))
	for k, rr := range m.Regions {
		for _, r := range rr {
			if r.First >= 1<<31 || r.Count >= 1<<31 {
				return nil, fmt.Errorf("%w: refine run of %d blocks from %d", role.ErrProtocol, r.Count, r.First)
			}
			runs[k] = append(runs[k], refine.BlockRun{First: int(r.First), Count: int(r.Count), BasisOff: r.BasisOff})
		}
	}
	return runs, nil
}
