package delta

import "bytes"

// index finds signature blocks by weak sum: a filter tested on every byte,
// then an open-addressing hash table with linear probing, whose size is a
// power of two at least twice the number of blocks.
type index struct {
	sig    *Signature
	filter *Filter
	slots  []slot
	shift  uint32
}

type slot struct {
	weak uint32
	idx  uint32 // block index + 1; 0 marks an empty slot
}

// Bounds that keep lookups linear on repetitive or hostile data.
const (
	maxSameWeak = 8  // blocks kept per weak sum (identical blocks are kept once)
	maxProbe    = 64 // slots probed per lookup
)

func newIndex(sig *Signature) *index {
	n := len(sig.Blocks)
	logSlots := uint32(4)
	for 1<<logSlots < 2*n {
		logSlots++
	}
	x := &index{sig: sig, filter: NewFilter(n), slots: make([]slot, 1<<logSlots), shift: 32 - logSlots}
	for i, b := range sig.Blocks {
		x.insert(i, b)
	}
	return x
}

func (x *index) insert(i int, b Block) {
	mask := uint32(len(x.slots) - 1)
	h := (b.Weak * filterMul) >> x.shift
	same := 0
	for p := uint32(0); ; p++ {
		s := &x.slots[(h+p)&mask]
		if s.idx == 0 {
			*s = slot{weak: b.Weak, idx: uint32(i) + 1}
			x.filter.Add(b.Weak)
			return
		}
		if s.weak != b.Weak {
			continue
		}
		j := int(s.idx - 1)
		if same++; same >= maxSameWeak ||
			(x.sig.Blocks[j].Len == b.Len && bytes.Equal(x.sig.StrongSum(j), x.sig.StrongSum(i))) {
			return
		}
	}
}

// lookup returns the first block with weak sum w whose strong sum matches
// window and whose length is at least len(window), or -1.
func (x *index) lookup(w uint32, window []byte) int {
	sig := x.sig
	mask := uint32(len(x.slots) - 1)
	h := (w * filterMul) >> x.shift
	var strong []byte
	for p := uint32(0); p < maxProbe; p++ {
		s := x.slots[(h+p)&mask]
		if s.idx == 0 {
			return -1
		}
		j := int(s.idx - 1)
		if s.weak != w || sig.Blocks[j].Len < len(window) {
			continue
		}
		if strong == nil {
			// Declared here: Sum is an interface call, so tmp lives on the
			// heap, and lookup runs on every filter hit, most of them
			// false (1 in 16 bytes of unmatched data).
			var tmp [64]byte
			strong = sig.Strong.Sum(tmp[:0], window)[:sig.StrongLen]
		}
		if bytes.Equal(strong, sig.StrongSum(j)) {
			return j
		}
	}
	return -1
}
