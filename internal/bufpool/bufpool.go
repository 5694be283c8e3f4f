// Package bufpool recycles the byte buffers of the delta path (delta and
// internal/refine): Get a buffer of a size class, Put it back.
package bufpool

import (
	"math/bits"
	"sync"
)

// Buffers of the delta path are recycled. Memory the process has not
// touched yet costs a page fault per 4 KiB page on first use, and on this
// project's benchmark machine (a virtual machine) a fault costs several
// microseconds: a 256 MiB update over a remote shell spent 11% of ferry's
// CPU in faults, most of them on buffers allocated afresh for every
// refinement search, emitted segment and signed file.

// Pooled buffers have power-of-two capacities from minPooled to maxPooled;
// other sizes are allocated and dropped as usual.
const (
	minPooledShift = 12 // 4 KiB
	maxPooledShift = 23 // 8 MiB
)

var bufPools [maxPooledShift - minPooledShift + 1]sync.Pool

// Get returns a buffer of n bytes, of unspecified content.
func Get(n int) []byte {
	if n <= 0 {
		return nil
	}
	shift := max(bits.Len(uint(n-1)), minPooledShift)
	if shift > maxPooledShift {
		return make([]byte, n)
	}
	if p, ok := bufPools[shift-minPooledShift].Get().(*[]byte); ok {
		return (*p)[:n]
	}
	return make([]byte, n, 1<<shift)
}

// Put gives back a buffer from Get; b must not be used afterwards.
func Put(b []byte) {
	c := cap(b)
	if c == 0 || c&(c-1) != 0 {
		return
	}
	shift := bits.Len(uint(c)) - 1
	if shift < minPooledShift || shift > maxPooledShift {
		return
	}
	b = b[:0]
	bufPools[shift-minPooledShift].Put(&b)
}
