package refine

import (
	"bytes"
	"io"
	"testing"

	"github.com/ferrysync/ferry/delta"
)

// BenchmarkRefine runs both rounds of a delta of the 64 MiB benchmark
// pair (200 scattered 4 KiB edits, 1 MiB inserted, 1 MiB deleted) in
// process and reports the literal and refinement-signature bytes.
func BenchmarkRefine(b *testing.B) {
	old, nw := benchData(b)
	sig, err := delta.Sign(bytes.NewReader(old), delta.FerryParams(int64(len(old)), 7))
	if err != nil {
		b.Fatal(err)
	}
	m := delta.NewMatcher(sig)
	rp := FerryRefineParams(7)
	b.SetBytes(int64(len(nw)))
	var res refined
	for b.Loop() {
		res = refined{}
		w := &tally{w: delta.NewPatcher(bytes.NewReader(old), io.Discard)}
		rec := NewRecorder(16<<20, func(seg *Segment) error {
			sigs, err := rp.Regions(bytes.NewReader(nw), seg, int64(len(old)))
			if err != nil {
				return err
			}
			runs := make([][]BlockRun, len(sigs))
			for k, rs := range sigs {
				res.sigBytes += int64(rs.Blocks() * (4 + rp.StrongLen))
				if runs[k], err = rp.Find(bytes.NewReader(old), int64(len(old)), rs); err != nil {
					return err
				}
			}
			return seg.Emit(bytes.NewReader(nw), sigs, runs, int64(len(old)), w)
		})
		if err := m.Delta(bytes.NewReader(nw), rec); err != nil {
			b.Fatal(err)
		}
		if err := rec.Close(); err != nil {
			b.Fatal(err)
		}
		res.literal = w.literal
	}
	b.ReportMetric(float64(res.literal), "literal-B")
	b.ReportMetric(float64(res.sigBytes), "refine-sig-B")
}
