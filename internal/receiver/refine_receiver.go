package receiver

import (
	"errors"
	"fmt"
	"io"

	"github.com/ferrysync/ferry/internal/refine"
	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/delta"
	"github.com/ferrysync/ferry/internal/wire"
)

// maxRefineAnswer bounds the runs of one RefineMatch; a receiver that
// found more reports fewer (the sender sends the rest as literals).
const maxRefineAnswer = wire.MaxPayload / 2

// refine answers a RefineSig (PROTOCOL.md 5.5). It runs on the reader
// goroutine, between the file's Data messages, so it sees the basis just
// as the patcher does. Its work is bounded by the hint ranges, which are
// about twice the literal bytes the sender would otherwise send. The answer
// goes through the bounded send queue, which the sender's reader always
// drains (it hands answers over without blocking), so it cannot deadlock
// against the sender's data stream; and a sender has at most
// maxRefineOutstanding RefineSigs per outstanding request, so answers are
// bounded by the request window.
func (r *Engine) refine(m *wire.RefineSig) error {
	if err := checkRefineWork(m); err != nil {
		return err
	}
	j, err := r.job(m.ID, m)
	if err != nil {
		return err
	}
	if !j.sig || j.basis == nil {
		return fmt.Errorf("%w: refinement for id %d, which has no basis", role.ErrProtocol, m.ID)
	}
	p := refine.FerryRefineParams(r.Cfg.Seed)
	p.StrongLen = int(m.StrongLen)
	basis := io.NewSectionReader(j.basis, 0, j.basisSize)
	ans := &wire.RefineMatch{ID: m.ID, Seq: m.Seq, Regions: make([][]wire.RefineRun, len(m.Regions))}
	size := 0
	for k, rg := range m.Regions {
		rs := &refine.RegionSig{BlockLen: int(rg.BlockLen), Weak: rg.Weak, Strong: rg.Strong}
		for _, h := range rg.Hints {
			rs.Hints = append(rs.Hints, refine.Range{Off: h.Off, Len: h.Len})
		}
		runs, err := p.Find(basis, j.basisSize, rs)
		if errors.Is(err, delta.ErrParams) || errors.Is(err, delta.ErrBasisRange) {
			return fmt.Errorf("%w: refinement for id %d: %w", role.ErrProtocol, m.ID, err)
		}
		if err != nil {
			continue // the basis is unreadable: the sender sends literals, the patcher reports
		}
		for _, run := range runs {
			if size += 3 * 10; size > maxRefineAnswer {
				break
			}
			ans.Regions[k] = append(ans.Regions[k], wire.RefineRun{First: uint64(run.First), Count: uint64(run.Count), BasisOff: run.BasisOff})
		}
	}
	return r.Link.Send(ans)
}
