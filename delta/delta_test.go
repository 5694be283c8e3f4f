package delta

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"sync/atomic"
	"testing"
	"testing/iotest"
)

// apply rebuilds a file from recorded operations.
func apply(t *testing.T, old []byte, ops []Op) []byte {
	t.Helper()
	var out bytes.Buffer
	p := NewPatcher(bytes.NewReader(old), &out)
	for _, op := range ops {
		var err error
		if op.Data != nil {
			err = p.Literal(op.Data)
		} else {
			err = p.Copy(op.Off, op.N)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return out.Bytes()
}

func literalBytes(ops []Op) int {
	n := 0
	for _, op := range ops {
		n += len(op.Data)
	}
	return n
}

// TestFerryParamsRoundTrip runs the corpus with ferry's parameters (seeded
// XXH3-128), feeding the new file one byte per Read.
func TestFerryParamsRoundTrip(t *testing.T) {
	for _, c := range corpus(t) {
		if testing.Short() && len(c.old) > 1<<20 {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			p := FerryParams(int64(len(c.old)), 0x5eed)
			oldR := io.Reader(bytes.NewReader(c.old))
			if len(c.old) < 1<<20 {
				oldR = iotest.OneByteReader(oldR)
			}
			sig, err := Sign(oldR, p)
			if err != nil {
				t.Fatal(err)
			}
			var ops OpList
			r := io.Reader(bytes.NewReader(c.new))
			if len(c.new) < 1<<20 {
				r = iotest.OneByteReader(r)
			}
			if err := Delta(sig, r, &ops); err != nil {
				t.Fatal(err)
			}
			if got := apply(t, c.old, ops.Ops); !bytes.Equal(got, c.new) {
				t.Fatalf("rebuilt %d bytes, want %d", len(got), len(c.new))
			}
			if bytes.Equal(c.old, c.new) && literalBytes(ops.Ops) != 0 {
				t.Errorf("identical files sent %d literal bytes", literalBytes(ops.Ops))
			}
		})
	}
}

func TestXXH3Seeded(t *testing.T) {
	data := randBytes(30, 1000)
	a := XXH3(1).Sum(nil, data)
	b := XXH3(2).Sum(nil, data)
	if len(a) != 16 || bytes.Equal(a, b) {
		t.Fatalf("XXH3 seeds 1 and 2 give %x and %x", a, b)
	}
	if !bytes.Equal(a, XXH3(1).Sum(nil, data)) {
		t.Fatal("XXH3 is not deterministic")
	}
}

// TestAdjacentCopiesMerged checks that an identical file is one COPY.
func TestAdjacentCopiesMerged(t *testing.T) {
	old := randBytes(31, 1<<20+123)
	sig, err := Sign(bytes.NewReader(old), FerryParams(int64(len(old)), 1))
	if err != nil {
		t.Fatal(err)
	}
	var ops OpList
	if err := Delta(sig, bytes.NewReader(old), &ops); err != nil {
		t.Fatal(err)
	}
	if len(ops.Ops) != 1 || ops.Ops[0].Data != nil || ops.Ops[0].Off != 0 || ops.Ops[0].N != int64(len(old)) {
		t.Fatalf("ops = %+v, want one copy of everything", ops.Ops)
	}
}

// TestSubRangeSignature signs a sub-range of the basis with small blocks, as
// ferry's refinement round does, and runs the delta over a section of the new
// file.
func TestSubRangeSignature(t *testing.T) {
	old := randBytes(32, 100_000)
	newer := cat(old[:40_000], []byte("changed"), old[40_007:])
	p := FerryParams(0, 9)
	p.BlockLen = 512
	sig, err := NewSignature(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sig.AddBlocks(io.NewSectionReader(bytes.NewReader(old), 32_000, 16_000), 32_000); err != nil {
		t.Fatal(err)
	}
	if sig.Blocks[0].Offset != 32_000 || sig.Blocks[len(sig.Blocks)-1].Len != 16_000%512 {
		t.Fatalf("blocks %+v ... %+v", sig.Blocks[0], sig.Blocks[len(sig.Blocks)-1])
	}
	var ops OpList
	section := io.NewSectionReader(bytes.NewReader(newer), 32_000, 16_000)
	if err := Delta(sig, section, &ops); err != nil {
		t.Fatal(err)
	}
	if got, want := apply(t, old, ops.Ops), newer[32_000:48_000]; !bytes.Equal(got, want) {
		t.Fatal("section rebuilt wrongly")
	}
	if lit := literalBytes(ops.Ops); lit > 512 {
		t.Errorf("%d literal bytes for a 7-byte edit with 512-byte blocks", lit)
	}
}

// countingHash counts strong-hash computations.
type countingHash struct {
	StrongHash
	n atomic.Int64
}

func (c *countingHash) Sum(dst, p []byte) []byte {
	c.n.Add(1)
	return c.StrongHash.Sum(dst, p)
}

// TestRepetitiveDataLinear checks that all-zero and repeated-block files
// cost about one strong hash per block, not per byte.
func TestRepetitiveDataLinear(t *testing.T) {
	block := randBytes(33, 1024)
	cases := []struct {
		name     string
		old, new []byte
	}{
		{"zeros", make([]byte, 8<<20), cat([]byte{1}, make([]byte, 8<<20))},
		{"repeated-block", bytes.Repeat(block, 8192), cat(block[:100], bytes.Repeat(block, 8192))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := &countingHash{StrongHash: BLAKE2()}
			p := Params{BlockLen: 1024, StrongLen: 16, Rolling: RabinKarp(), Strong: h}
			sig, err := Sign(bytes.NewReader(c.old), p)
			if err != nil {
				t.Fatal(err)
			}
			h.n.Store(0)
			var ops OpList
			if err := Delta(sig, bytes.NewReader(c.new), &ops); err != nil {
				t.Fatal(err)
			}
			if got := apply(t, c.old, ops.Ops); !bytes.Equal(got, c.new) {
				t.Fatal("rebuilt wrongly")
			}
			if blocks := int64(len(c.new) / 1024); h.n.Load() > 2*blocks+64 {
				t.Errorf("%d strong hashes for %d blocks", h.n.Load(), blocks)
			}
			if len(ops.Ops) > 4 {
				t.Errorf("%d ops, want a literal and merged copies", len(ops.Ops))
			}
		})
	}
}

// TestLiteralsBounded checks that an unrelated new file streams out in
// literals no larger than the window.
func TestLiteralsBounded(t *testing.T) {
	old := randBytes(34, 64<<10)
	newer := randBytes(35, 20<<20)
	sig, err := Sign(bytes.NewReader(old), FerryParams(int64(len(old)), 1))
	if err != nil {
		t.Fatal(err)
	}
	var ops OpList
	if err := Delta(sig, bytes.NewReader(newer), &ops); err != nil {
		t.Fatal(err)
	}
	for _, op := range ops.Ops {
		if len(op.Data) > minWindow {
			t.Fatalf("literal of %d bytes exceeds the %d-byte window", len(op.Data), minWindow)
		}
	}
	if got := apply(t, old, ops.Ops); !bytes.Equal(got, newer) {
		t.Fatal("rebuilt wrongly")
	}
}

// TestLookupMissDoesNotAllocate checks that a weak sum the index does not
// hold costs no allocation: the search calls lookup on every filter hit,
// most of them false, so an allocation per call fed the garbage collector
// a 64-byte object every few dozen bytes of unmatched data.
func TestLookupMissDoesNotAllocate(t *testing.T) {
	old := randBytes(5, 64<<10)
	sig, err := Sign(bytes.NewReader(old), FerryParams(int64(len(old)), 1))
	if err != nil {
		t.Fatal(err)
	}
	x := newIndex(sig)
	held := map[uint32]bool{}
	for _, b := range sig.Blocks {
		held[b.Weak] = true
	}
	w := uint32(12345)
	for held[w] {
		w++
	}
	window := old[:sig.BlockLen]
	if allocs := testing.AllocsPerRun(100, func() {
		if j := x.lookup(w, window); j != -1 {
			t.Fatalf("lookup of an absent weak sum = %d", j)
		}
	}); allocs != 0 {
		t.Errorf("lookup of an absent weak sum: %v allocations, want 0", allocs)
	}
}

// TestSignAt checks that SignAt gives Sign's signature for sizes around
// block and chunk boundaries and any number of workers, and fails on a
// basis shorter than the size it is given.
func TestSignAt(t *testing.T) {
	data := randBytes(9, 9<<20+333)
	for _, size := range []int64{0, 1, 511, 512, 4 << 20, 4<<20 + 1, int64(len(data))} {
		for _, workers := range []int{1, 2, 3} {
			p := FerryParams(size, 3)
			p.BlockLen = 4096 // several chunks for the larger sizes
			p.Workers = workers
			want, err := Sign(bytes.NewReader(data[:size]), p)
			if err != nil {
				t.Fatal(err)
			}
			got, err := SignAt(bytes.NewReader(data), size, p)
			if err != nil {
				t.Fatalf("size %d, %d workers: %v", size, workers, err)
			}
			if len(got.Blocks) != len(want.Blocks) || len(want.Blocks) > 0 && !reflect.DeepEqual(got.Blocks, want.Blocks) {
				t.Fatalf("size %d, %d workers: %d blocks differ from Sign's %d", size, workers, len(got.Blocks), len(want.Blocks))
			}
			for i := range want.Blocks {
				if !bytes.Equal(got.StrongSum(i), want.StrongSum(i)) {
					t.Fatalf("size %d, %d workers: strong sum %d differs", size, workers, i)
				}
			}
		}
	}
	p := FerryParams(1<<20, 3)
	if _, err := SignAt(bytes.NewReader(data[:1000]), 1<<20, p); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("SignAt of a short basis: %v, want io.ErrUnexpectedEOF", err)
	}
}
