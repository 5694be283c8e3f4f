package delta

import "testing"

// naiveRollsum is librsync's rollsum written from its definition.
func naiveRollsum(p []byte) uint32 {
	var s1, s2 uint16
	for _, b := range p {
		s1 += uint16(b) + 31
		s2 += s1
	}
	return uint32(s2)<<16 | uint32(s1)
}

// naiveRabinKarp is librsync's RabinKarp written from its definition.
func naiveRabinKarp(p []byte) uint32 {
	h := uint32(1)
	for _, b := range p {
		h = h*0x08104225 + uint32(b)
	}
	return h
}

func TestRollingSums(t *testing.T) {
	data := randBytes(20, 3000)
	hashes := []struct {
		h     RollingHash
		naive func([]byte) uint32
	}{{Rollsum(), naiveRollsum}, {RabinKarp(), naiveRabinKarp}}
	for _, c := range hashes {
		t.Run(c.h.Name(), func(t *testing.T) {
			for _, n := range []int{0, 1, 3, 4, 5, 15, 16, 17, 31, 32, 33, 64, 255, 256, 1000, 3000} {
				if got, want := c.h.Sum(data[:n]), c.naive(data[:n]); got != want {
					t.Errorf("Sum of %d bytes = %#x, want %#x", n, got, want)
				}
			}
			const w = 100
			r := c.h.NewRoller()
			r.Reset(data[:w])
			for i := 0; i+w < 600; i++ {
				r.Roll(data[i], data[i+w])
				if got, want := r.Sum32(), c.naive(data[i+1:i+1+w]); got != want {
					t.Fatalf("after %d rolls: %#x, want %#x", i+1, got, want)
				}
			}
			start := 600 - w
			for i := start; i < 600; i++ {
				r.RollOut(data[i])
				if got, want := r.Sum32(), c.naive(data[i+1:600]); got != want {
					t.Fatalf("after rolling out to %d: %#x, want %#x", i+1, got, want)
				}
				if r.Len() != 600-i-1 {
					t.Fatalf("Len = %d, want %d", r.Len(), 600-i-1)
				}
			}
		})
	}
}

func TestScan(t *testing.T) {
	data := randBytes(21, 5000)
	const w = 64
	for _, h := range []RollingHash{Rollsum(), RabinKarp()} {
		t.Run(h.Name(), func(t *testing.T) {
			f := NewFilter(1)
			target := 3210
			f.Add(h.Sum(data[target : target+w]))
			r := h.NewRoller()
			r.Reset(data[:w])
			k, hit := r.Scan(data, f)
			// A false positive may stop the scan earlier; it must be a filter hit.
			for hit && k < target {
				if !f.Has(h.Sum(data[k : k+w])) {
					t.Fatalf("Scan stopped at %d without a filter hit", k)
				}
				var k2 int
				k2, hit = r.Scan(data[k:], f)
				k += k2
			}
			if !hit || k != target || r.Sum32() != h.Sum(data[k:k+w]) {
				t.Fatalf("Scan = %d, %v; want %d, true", k, hit, target)
			}
			k2, hit := r.Scan(data[k:], NewFilter(1))
			if hit || k+k2 != len(data)-w || r.Sum32() != h.Sum(data[len(data)-w:]) {
				t.Fatalf("Scan to the end = %d, %v; want %d, false", k+k2, hit, len(data)-w)
			}
		})
	}
}
