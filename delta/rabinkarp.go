package delta

// librsync's RabinKarp constants (rabinkarp.h).
const (
	rkSeed = 1
	rkMult = 0x08104225
	rkInvM = 0x98f009ad // inverse of rkMult modulo 2^32
	rkAdj  = 0x08104224 // (rkMult - 1) * rkSeed
)

// RabinKarp returns librsync's RabinKarp polynomial rolling checksum, the
// default of rdiff 2.3 (signature formats 0x72730146 and 0x72730147):
//
//	sum = 1*M^n + Σ b[i]*M^(n-1-i)   mod 2^32, M = 0x08104225
func RabinKarp() RollingHash { return rabinKarpHash{} }

type rabinKarpHash struct{}

func (rabinKarpHash) Name() string      { return "rabinkarp" }
func (rabinKarpHash) NewRoller() Roller { return &rabinKarpRoller{} }

// Powers of rkMult for the four-byte unrolled loop.
const (
	rkMult2 = rkMult * rkMult & 0xffffffff
	rkMult3 = rkMult2 * rkMult & 0xffffffff
	rkMult4 = rkMult3 * rkMult & 0xffffffff
	rkMult5 = rkMult4 * rkMult & 0xffffffff
	rkMult6 = rkMult5 * rkMult & 0xffffffff
	rkMult7 = rkMult6 * rkMult & 0xffffffff
	rkMult8 = rkMult7 * rkMult & 0xffffffff
)

func (rabinKarpHash) Sum(p []byte) uint32 {
	h := uint32(rkSeed)
	for len(p) >= 8 {
		// Independent products, so the multiplier is not one long chain.
		hi := uint32(p[0])*rkMult7 + uint32(p[1])*rkMult6 + uint32(p[2])*rkMult5 + uint32(p[3])*rkMult4
		lo := uint32(p[4])*rkMult3 + uint32(p[5])*rkMult2 + uint32(p[6])*rkMult + uint32(p[7])
		h = h*rkMult8 + hi + lo
		p = p[8:]
	}
	for len(p) >= 4 {
		h = h*rkMult4 + uint32(p[0])*rkMult3 + uint32(p[1])*rkMult2 +
			uint32(p[2])*rkMult + uint32(p[3])
		p = p[4:]
	}
	for _, b := range p {
		h = h*rkMult + uint32(b)
	}
	return h
}

type rabinKarpRoller struct {
	hash uint32
	mult uint32 // rkMult^n
	n    int
}

func (r *rabinKarpRoller) Reset(window []byte) {
	r.hash = rabinKarpHash{}.Sum(window)
	r.mult = rkPow(len(window))
	r.n = len(window)
}

// rkPow returns rkMult^n mod 2^32.
func rkPow(n int) uint32 {
	result, base := uint32(1), uint32(rkMult)
	for ; n > 0; n >>= 1 {
		if n&1 != 0 {
			result *= base
		}
		base *= base
	}
	return result
}

func (r *rabinKarpRoller) Sum32() uint32 { return r.hash }
func (r *rabinKarpRoller) Len() int      { return r.n }

func (r *rabinKarpRoller) Roll(out, in byte) {
	r.hash = r.hash*rkMult + uint32(in) - r.mult*(uint32(out)+rkAdj)
}

func (r *rabinKarpRoller) RollOut(out byte) {
	r.n--
	r.mult *= rkInvM
	r.hash -= r.mult * (uint32(out) + rkAdj)
}

func (r *rabinKarpRoller) Scan(data []byte, f *Filter) (int, bool) {
	n := r.n
	if len(data) <= n {
		return 0, false
	}
	out := data[:len(data)-n]
	in := data[n:]
	in = in[:len(out)]
	h, m := r.hash, r.mult
	for k := range out {
		h = h*rkMult + uint32(in[k]) - m*(uint32(out[k])+rkAdj)
		if f.Has(h) {
			r.hash = h
			return k + 1, true
		}
	}
	r.hash = h
	return len(out), false
}
