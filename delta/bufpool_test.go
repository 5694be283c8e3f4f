package delta

import "testing"

// TestBufPool checks that getBuf returns buffers of the length asked for,
// that a buffer given back is handed out again for a request of the same
// class (no new memory), and that sizes outside the classes still work.
func TestBufPool(t *testing.T) {
	for _, n := range []int{1, 4095, 4096, 4097, 300 << 10, 8 << 20, 8<<20 + 1} {
		b := getBuf(n)
		if len(b) != n {
			t.Fatalf("getBuf(%d): length %d", n, len(b))
		}
		b[0], b[n-1] = 1, 2
		putBuf(b)
	}
	if b := getBuf(0); b != nil {
		t.Errorf("getBuf(0) = %d bytes", len(b))
	}
	// A buffer given back is reused (sync.Pool may drop it only at a GC,
	// and a single goroutine gets back what it put).
	b := getBuf(100 << 10)
	b[0] = 42
	putBuf(b)
	if allocs := testing.AllocsPerRun(50, func() {
		c := getBuf(120 << 10)
		putBuf(c)
	}); allocs > 1 { // putBuf boxes the slice header
		t.Errorf("getBuf after putBuf: %v allocations per call, want at most 1", allocs)
	}
}
