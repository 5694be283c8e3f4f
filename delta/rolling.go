package delta

// A RollingHash is a weak checksum that can slide over data one byte at a
// time. Implementations are stateless values; the sliding state lives in a
// Roller. This package provides Rollsum and RabinKarp.
type RollingHash interface {
	// Name identifies the checksum ("rollsum", "rabinkarp").
	Name() string
	// Sum returns the checksum of p as a whole block.
	Sum(p []byte) uint32
	// NewRoller returns an empty sliding state.
	NewRoller() Roller
}

// A Roller is the state of a RollingHash over a window of the data.
type Roller interface {
	// Reset sets the state to the checksum of window; the window size
	// becomes len(window).
	Reset(window []byte)
	// Sum32 returns the checksum of the current window.
	Sum32() uint32
	// Roll slides the window by one byte: out leaves it and in enters.
	Roll(out, in byte)
	// RollOut removes out, the first byte of the window, shrinking it.
	RollOut(out byte)
	// Scan slides the window across data, whose first Len bytes must be
	// the current window, one byte at a time, and stops at the first
	// position k >= 1 whose window data[k:k+Len] has a checksum that f may
	// hold; it returns k and true. When no such window exists it stops at
	// the last full window, k = len(data)-Len, and returns false. The
	// window at k = 0 is not tested.
	Scan(data []byte, f *Filter) (k int, hit bool)
	// Len returns the current window size.
	Len() int
}

// A Filter is an approximate set of weak checksums, a bitmap with false
// positives and no false negatives. Rollers test it on every byte, so Has is
// small enough to be inlined.
type Filter struct {
	bits  []uint64
	shift uint32
}

// filterMul spreads the 32 bits of a weak sum into the top bits; both the
// filter and the block index use the top bits of w*filterMul.
const filterMul = 0x9E3779B1

// NewFilter returns an empty filter sized for n checksums, with about 1/16
// false positives when full.
func NewFilter(n int) *Filter {
	logBits := uint32(12)
	for logBits < 30 && 1<<logBits < 16*n {
		logBits++
	}
	return &Filter{bits: make([]uint64, 1<<(logBits-6)), shift: 32 - logBits}
}

// Add inserts w.
func (f *Filter) Add(w uint32) {
	h := (w * filterMul) >> f.shift
	f.bits[h>>6] |= 1 << (h & 63)
}

// Has reports whether w may be in the set.
func (f *Filter) Has(w uint32) bool {
	h := (w * filterMul) >> f.shift
	return f.bits[h>>6]&(1<<(h&63)) != 0
}
