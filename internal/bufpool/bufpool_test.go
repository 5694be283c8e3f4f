package bufpool

import "testing"

// TestBufPool checks that Get returns buffers of the length asked for,
// that a buffer given back is handed out again for a request of the same
// class (no new memory), and that sizes outside the classes still work.
func TestBufPool(t *testing.T) {
	for _, n := range []int{1, 4095, 4096, 4097, 300 << 10, 8 << 20, 8<<20 + 1} {
		b := Get(n)
		if len(b) != n {
			t.Fatalf("Get(%d): length %d", n, len(b))
		}
		b[0], b[n-1] = 1, 2
		Put(b)
	}
	if b := Get(0); b != nil {
		t.Errorf("Get(0) = %d bytes", len(b))
	}
	// A buffer given back is reused (sync.Pool may drop it only at a GC,
	// and a single goroutine gets back what it put).
	b := Get(100 << 10)
	b[0] = 42
	Put(b)
	if allocs := testing.AllocsPerRun(50, func() {
		c := Get(120 << 10)
		Put(c)
	}); allocs > 1 { // Put boxes the slice header
		t.Errorf("Get after Put: %v allocations per call, want at most 1", allocs)
	}
}
