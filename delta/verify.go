package delta

import (
	"bytes"
	"runtime"
	"sync/atomic"
)

// A verifyBatch is one run of expected blocks whose strong sums the differ
// checks. The blocks are claimed one at a time, in order, by the differ's
// goroutine and by helpers, so a helper that is slow to start (or never
// runs) costs nothing but the block it holds, and a mismatch stops the
// claims beyond it.
type verifyBatch struct {
	sig      *Signature
	buf      []byte
	first    int   // index of the batch's first block
	pos      []int // where block first+k starts in buf
	ok       []bool
	next     atomic.Int64 // next k to claim
	stop     atomic.Int64 // no k at or past stop is worth hashing
	inflight atomic.Int64 // helpers between claiming and finishing
}

// work claims and checks blocks until none is left.
func (b *verifyBatch) work(helper bool) {
	var tmp [64]byte
	for {
		if helper {
			b.inflight.Add(1)
		}
		k := b.next.Add(1) - 1
		if k >= int64(len(b.pos)) || k >= b.stop.Load() {
			if helper {
				b.inflight.Add(-1)
			}
			return
		}
		j := b.first + int(k)
		win := b.buf[b.pos[k] : b.pos[k]+b.sig.Blocks[j].Len]
		if bytes.Equal(b.sig.Strong.Sum(tmp[:0], win)[:b.sig.StrongLen], b.sig.StrongSum(j)) {
			b.ok[k] = true
		} else {
			for s := b.stop.Load(); k < s && !b.stop.CompareAndSwap(s, k); s = b.stop.Load() {
			}
		}
		if helper {
			b.inflight.Add(-1)
		}
	}
}

// run checks every block of the batch, with help from the helpers when
// they are free, and returns how many leading blocks match.
func (b *verifyBatch) run(h *helpers) int {
	b.ok = make([]bool, len(b.pos))
	b.stop.Store(int64(len(b.pos)))
	if h != nil && len(b.pos) > 1 {
		h.offer(b)
	}
	b.work(false)
	for b.inflight.Load() > 0 {
		runtime.Gosched()
	}
	c := 0
	for c < len(b.ok) && b.ok[c] {
		c++
	}
	return c
}

// helpers are goroutines that live as long as one Delta run and help verify
// its batches.
type helpers struct {
	ch []chan *verifyBatch
}

// startHelpers starts n helper goroutines; stop ends them.
func startHelpers(n int) *helpers {
	h := &helpers{ch: make([]chan *verifyBatch, n)}
	for i := range h.ch {
		c := make(chan *verifyBatch, 1)
		h.ch[i] = c
		go func() {
			for b := range c {
				b.work(true)
			}
		}()
	}
	return h
}

// offer hands b to every helper that is not still busy with an earlier
// batch.
func (h *helpers) offer(b *verifyBatch) {
	for _, c := range h.ch {
		select {
		case c <- b:
		default:
		}
	}
}

func (h *helpers) stop() {
	for _, c := range h.ch {
		close(c)
	}
}
