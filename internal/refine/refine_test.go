package refine

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ferrysync/ferry/delta"
)

// refined is the outcome of a two-round delta run in process.
type refined struct {
	out            []byte // the rebuilt file
	literal        int64  // literal bytes of the final delta
	round1Literal  int64  // literal bytes round 1 alone would have sent
	sigBytes       int64  // refinement signature bytes (4+StrongLen per block)
	regions, found int
}

// tally counts literal bytes on their way to a Patcher.
type tally struct {
	w       delta.OpWriter
	literal int64
}

func (t *tally) Copy(off, n int64) error { return t.w.Copy(off, n) }
func (t *tally) Literal(p []byte) error {
	t.literal += int64(len(p))
	return t.w.Literal(p)
}

// refineRoundTrip runs round 1 into a Recorder with segments of span
// bytes, refines every segment against old and rebuilds the new file.
func refineRoundTrip(t testing.TB, old, new []byte, span int64) refined {
	t.Helper()
	sig, err := delta.Sign(bytes.NewReader(old), delta.FerryParams(int64(len(old)), 7))
	if err != nil {
		t.Fatal(err)
	}
	rp := FerryRefineParams(7)
	var out bytes.Buffer
	res := refined{}
	w := &tally{w: delta.NewPatcher(bytes.NewReader(old), &out)}
	var seq uint64
	rec := NewRecorder(span, func(seg *Segment) error {
		if seg.Seq != seq {
			t.Errorf("segment %d, want %d", seg.Seq, seq)
		}
		seq++
		for _, op := range seg.Ops {
			if !op.IsCopy() {
				res.round1Literal += op.Len
			}
		}
		sigs, err := rp.Regions(bytes.NewReader(new), seg, int64(len(old)))
		if err != nil {
			return err
		}
		runs := make([][]BlockRun, len(sigs))
		for k, rs := range sigs {
			res.regions++
			res.sigBytes += int64(rs.Blocks() * (4 + rp.StrongLen))
			// The receiver sees no new-file offsets.
			recv := &RegionSig{Hints: rs.Hints, BlockLen: rs.BlockLen, Weak: rs.Weak, Strong: rs.Strong}
			if runs[k], err = rp.Find(bytes.NewReader(old), int64(len(old)), recv); err != nil {
				return err
			}
			for _, r := range runs[k] {
				res.found += r.Count
			}
		}
		return seg.Emit(bytes.NewReader(new), sigs, runs, int64(len(old)), w)
	})
	if err := delta.Delta(sig, bytes.NewReader(new), rec); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if rec.Size() != int64(len(new)) {
		t.Errorf("recorded %d bytes, want %d", rec.Size(), len(new))
	}
	res.out, res.literal = out.Bytes(), w.literal
	return res
}

func TestRefineRoundTrip(t *testing.T) {
	base := randBytes(1, 16<<20) // 4 KiB round-1 blocks: a small edit leaves a region worth refining
	oddTail := cat(base, randBytes(10, 77))
	cases := []struct {
		name     string
		old, new []byte
		span     int64
		maxLit   int64 // at most this many literal bytes (0: no bound)
	}{
		{"identical", base, base, 1 << 20, 0},
		{"empty new", base, nil, 1 << 20, 0},
		{"unrelated", base[:1<<20], randBytes(2, 1<<20), 1 << 20, 0},
		{"one 100-byte edit", base, edit(base, 1234567, 100, 3), 1 << 20, 1500},
		{"edit at start", base, edit(base, 0, 100, 4), 1 << 20, 1500},
		{"edit at end", base, edit(base, len(base)-100, 100, 5), 1 << 20, 1500},
		{"insertion", base, cat(base[:1000001], randBytes(6, 5000), base[1000001:]), 1 << 20, 5000 + 1500},
		{"deletion", base, cat(base[:1000001], base[1005001:]), 1 << 20, 4096},
		{"odd tail", oddTail, edit(oddTail, len(oddTail)-5000, 10, 8), 1 << 20, 1500},
		{"many edits, small segments", base, manyEdits(base, 50, 4096), 64 << 10, 50 * (4096 + 1200)},
		{"edits in a short file", base[:20000], edit(base[:20000], 9000, 3, 9), 1 << 20, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := refineRoundTrip(t, c.old, c.new, c.span)
			if !bytes.Equal(res.out, c.new) {
				t.Fatalf("rebuilt %d bytes differ from the new file's %d", len(res.out), len(c.new))
			}
			if res.literal > res.round1Literal {
				t.Errorf("refinement added literals: %d > %d", res.literal, res.round1Literal)
			}
			if c.maxLit > 0 && res.literal > c.maxLit {
				t.Errorf("literal %d bytes, want at most %d (round 1: %d, %d regions, %d blocks found)",
					res.literal, c.maxLit, res.round1Literal, res.regions, res.found)
			}
		})
	}
}

// manyEdits overwrites n scattered size-byte ranges of b.
func manyEdits(b []byte, n, size int) []byte {
	out := bytes.Clone(b)
	step := len(b) / n
	for i := range n {
		off := i*step + i*7919%max(step-size, 1)
		copy(out[off:], randBytes(uint64(1000+i), size))
	}
	return out
}

// TestRefineScatteredEdits is the benchmark recipe at 64 MiB: 200
// scattered 4 KiB edits, a 1 MiB insertion and a 1 MiB deletion. The
// literal bytes must come close to the bytes really changed.
func TestRefineScatteredEdits(t *testing.T) {
	if testing.Short() {
		t.Skip("64 MiB")
	}
	old := randBytes(11, 64<<20)
	edited := manyEdits(old, 200, 4096)
	ins, del := len(old)*3/10, len(old)*7/10
	nw := cat(edited[:ins], randBytes(13, 1<<20), edited[ins:del], edited[del+1<<20:])
	res := refineRoundTrip(t, old, nw, 16<<20)
	if !bytes.Equal(res.out, nw) {
		t.Fatal("rebuilt file differs")
	}
	changed := int64(200*4096 + 1<<20)
	t.Logf("literal %d (round 1 %d), changed %d, refine signature %d bytes, %d regions",
		res.literal, res.round1Literal, changed, res.sigBytes, res.regions)
	if res.literal > changed*13/10 {
		t.Errorf("literal %d bytes, want at most 1.3 x the %d changed", res.literal, changed)
	}
	if res.sigBytes > changed/8 {
		t.Errorf("refine signatures %d bytes, want at most 1/8 of the %d changed", res.sigBytes, changed)
	}
}

func TestRefineHostile(t *testing.T) {
	rp := FerryRefineParams(1)
	basis := randBytes(2, 100000)
	good := func() *RegionSig {
		return &RegionSig{Hints: []Range{{0, 4096}}, BlockLen: 512,
			Weak: make([]uint32, 4), Strong: make([]byte, 4*rp.StrongLen)}
	}
	cases := []struct {
		name   string
		mutate func(*RegionSig)
		want   error
	}{
		{"hint past the end", func(r *RegionSig) { r.Hints[0] = Range{99000, 8192} }, delta.ErrBasisRange},
		{"negative hint", func(r *RegionSig) { r.Hints[0] = Range{-1, 10} }, delta.ErrBasisRange},
		{"overflowing hint", func(r *RegionSig) { r.Hints[0] = Range{1 << 62, 1<<63 - 1} }, delta.ErrBasisRange},
		{"too many hints", func(r *RegionSig) { r.Hints = []Range{{0, 1}, {2, 1}, {4, 1}} }, delta.ErrParams},
		{"hint too long", func(r *RegionSig) { r.Hints[0] = Range{0, 90000} }, delta.ErrParams},
		{"zero block length", func(r *RegionSig) { r.BlockLen = 0 }, delta.ErrParams},
		{"huge block length", func(r *RegionSig) { r.BlockLen = MaxRefineBlockLen + 1 }, delta.ErrParams},
		{"short strong", func(r *RegionSig) { r.Strong = r.Strong[1:] }, delta.ErrParams},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs := good()
			c.mutate(rs)
			if _, err := rp.Find(bytes.NewReader(basis), int64(len(basis)), rs); !errors.Is(err, c.want) {
				t.Errorf("Find: %v, want %v", err, c.want)
			}
		})
	}
	if _, err := rp.Find(bytes.NewReader(basis), int64(len(basis)), good()); err != nil {
		t.Errorf("Find on a valid region: %v", err)
	}
}

func TestRefineEmitRejectsBadRuns(t *testing.T) {
	rp := FerryRefineParams(1)
	nw := randBytes(3, 64<<10)
	seg := &Segment{Ops: []PlanOp{{NewOff: 0, Len: 8192, BasisOff: 0}, {NewOff: 8192, Len: int64(len(nw)) - 8192, BasisOff: -1}},
		PrevEnd: -1, NextStart: -1}
	sigs, err := rp.Regions(bytes.NewReader(nw), seg, 1<<20)
	if err != nil || len(sigs) != 1 {
		t.Fatalf("Regions: %d, %v", len(sigs), err)
	}
	n := sigs[0].Blocks()
	cases := []struct {
		name string
		runs [][]BlockRun
		want error
	}{
		{"missing answer", nil, delta.ErrCorrupt},
		{"block past the region", [][]BlockRun{{{First: n - 1, Count: 2}}}, delta.ErrCorrupt},
		{"negative block", [][]BlockRun{{{First: -1, Count: 1}}}, delta.ErrCorrupt},
		{"empty run", [][]BlockRun{{{First: 0, Count: 0}}}, delta.ErrCorrupt},
		{"beyond the basis", [][]BlockRun{{{First: 0, Count: 1, BasisOff: 1<<20 - 10}}}, delta.ErrCorrupt},
		{"negative offset", [][]BlockRun{{{First: 0, Count: 1, BasisOff: -5}}}, delta.ErrCorrupt},
		{"overflowing offset", [][]BlockRun{{{First: 0, Count: 3, BasisOff: 1<<63 - 600}}}, delta.ErrCorrupt},
		{"valid", [][]BlockRun{{{First: 1, Count: 2, BasisOff: 4096}}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var ops delta.OpList
			err := seg.Emit(bytes.NewReader(nw), sigs, c.runs, 1<<20, &ops)
			if !errors.Is(err, c.want) {
				t.Fatalf("Emit: %v, want %v", err, c.want)
			}
			if err != nil && len(ops.Ops) != 0 {
				t.Errorf("Emit wrote %d ops before failing", len(ops.Ops))
			}
		})
	}
}

func TestRefineRepetitiveBasisLinear(t *testing.T) {
	// A basis of zeros and a region of zeros with one edit: every window
	// hits the weak sum, but found blocks leave the table, so the strong
	// hash runs about once per block, not once per byte.
	old := make([]byte, 1<<20)
	nw := edit(old, 500000, 10, 1)
	ch := &countingHash{StrongHash: delta.XXH3(7)}
	rp := FerryRefineParams(7)
	rp.Strong = ch
	seg := &Segment{Ops: []PlanOp{{0, 480000, 0}, {480000, 40000, -1}, {520000, int64(len(nw)) - 520000, 520000}},
		PrevEnd: -1, NextStart: -1}
	sigs, err := rp.Regions(bytes.NewReader(nw), seg, int64(len(old)))
	if err != nil || len(sigs) != 1 {
		t.Fatalf("Regions: %d, %v", len(sigs), err)
	}
	signing := ch.n.Load()
	runs, err := rp.Find(bytes.NewReader(old), int64(len(old)), sigs[0])
	if err != nil {
		t.Fatal(err)
	}
	if got := ch.n.Load() - signing; got > int64(4*sigs[0].Blocks()+200) {
		t.Errorf("%d strong hashes for %d blocks", got, sigs[0].Blocks())
	}
	var out bytes.Buffer
	if err := seg.Emit(bytes.NewReader(nw), sigs, [][]BlockRun{runs}, int64(len(old)), delta.NewPatcher(bytes.NewReader(old), &out)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), nw) {
		t.Fatal("rebuilt file differs")
	}
}

func TestHintRanges(t *testing.T) {
	cases := []struct {
		name             string
		prev, next, n, b int64
		want             []Range
	}{
		{"between", 1000, 5000, 4000, 100, []Range{{900, 4200}}},
		{"insertion", 1000, 1000, 4000, 100, []Range{{900, 200}}},
		{"far apart", 1000, 90000, 4000, 100, []Range{{900, 4200}, {85900, 4200}}},
		{"reordered", 90000, 1000, 4000, 100, []Range{{0, 1100}, {89900, 4200}}},
		{"only before", 1000, -1, 4000, 100, []Range{{900, 4200}}},
		{"only after", -1, 5000, 4000, 100, []Range{{900, 4200}}},
		{"none", -1, -1, 4000, 100, nil},
		{"clamped", 99000, -1, 4000, 100, []Range{{98900, 1100}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := hintRanges(c.prev, c.next, c.n, c.b, 100000)
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("got %v, want %v", got, c.want)
				}
			}
		})
	}
}

// countingReaderAt counts ReadAt calls.
type countingReaderAt struct {
	r     *bytes.Reader
	calls int
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	c.calls++
	return c.r.ReadAt(p, off)
}

// TestRegionsReadInPieces checks that signing a region reads it in pieces
// of many blocks, not one system call per small block, and that the
// signature is the one of each block hashed alone (the last block of a
// region whose length is no multiple of the block length overlaps the one
// before).
func TestRegionsReadInPieces(t *testing.T) {
	rp := FerryRefineParams(7)
	data := make([]byte, 3<<20)
	for i := range data {
		data[i] = byte(i*7 + i>>9)
	}
	for _, n := range []int64{4 << 10, 300<<10 + 77, 2<<20 + 1} {
		seg := &Segment{Ops: []PlanOp{{NewOff: 0, Len: 1000, BasisOff: 0}, {NewOff: 1000, Len: n, BasisOff: -1},
			{NewOff: 1000 + n, Len: 1000, BasisOff: 1000}}, PrevEnd: -1, NextStart: -1}
		f := &countingReaderAt{r: bytes.NewReader(data)}
		sigs, err := rp.Regions(f, seg, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		if len(sigs) != 1 {
			t.Fatalf("region of %d bytes: %d signatures, want 1", n, len(sigs))
		}
		rs := sigs[0]
		if max := int(n/(256<<10)) + 2; f.calls > max {
			t.Errorf("region of %d bytes in %d-byte blocks: %d reads, want at most %d", n, rs.BlockLen, f.calls, max)
		}
		var tmp [64]byte
		for i := range rs.Blocks() {
			o := rs.blockNewOff(i)
			blk := data[o : o+int64(rs.BlockLen)]
			if w := rp.Rolling.Sum(blk); rs.Weak[i] != w {
				t.Fatalf("region of %d bytes: block %d weak %x, want %x", n, i, rs.Weak[i], w)
			}
			want := rp.Strong.Sum(tmp[:0], blk)[:rp.StrongLen]
			if got := rs.Strong[i*rp.StrongLen : (i+1)*rp.StrongLen]; !bytes.Equal(got, want) {
				t.Fatalf("region of %d bytes: block %d strong %x, want %x", n, i, got, want)
			}
		}
	}
}
