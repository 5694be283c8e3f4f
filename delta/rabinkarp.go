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

// rkTable[k][b] is b·rkMult^k: Sum looks the products of 16 bytes up
// instead of multiplying (a multiply per byte bounded it at about 1 GB/s
// on one core here; the lookups, 16 KiB that stay in the L1 cache, run at
// about 4 GB/s). Signing a 1 GiB basis is a gigabyte of Sum.
var rkTable = func() (t [16][256]uint32) {
	for k := range t {
		m := rkPow(k)
		for b := range t[k] {
			t[k][b] = uint32(b) * m
		}
	}
	return t
}()

// rkMult16 is rkMult^16.
var rkMult16 = rkPow(16)

func (rabinKarpHash) Sum(p []byte) uint32 {
	h := uint32(rkSeed)
	t := &rkTable
	for len(p) >= 16 {
		q := p[:16]
		// Four independent sums, so the additions are not one long chain.
		a := t[15][q[0]] + t[14][q[1]] + t[13][q[2]] + t[12][q[3]]
		b := t[11][q[4]] + t[10][q[5]] + t[9][q[6]] + t[8][q[7]]
		c := t[7][q[8]] + t[6][q[9]] + t[5][q[10]] + t[4][q[11]]
		d := t[3][q[12]] + t[2][q[13]] + t[1][q[14]] + t[0][q[15]]
		h = h*rkMult16 + (a + b) + (c + d)
		p = p[16:]
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
