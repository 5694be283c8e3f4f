package delta

// rollsumOffset is librsync's ROLLSUM_CHAR_OFFSET, added to every byte.
const rollsumOffset = 31

// Rollsum returns librsync's original rolling checksum, an Adler-32-like sum
// used by the rdiff signature formats 0x72730136 and 0x72730137:
//
//	s1 = Σ (b[i] + 31)          mod 2^16
//	s2 = Σ (n - i) * (b[i] + 31) mod 2^16
//	sum = s2<<16 | s1
func Rollsum() RollingHash { return rollsumHash{} }

type rollsumHash struct{}

func (rollsumHash) Name() string      { return "rollsum" }
func (rollsumHash) NewRoller() Roller { return &rollsumRoller{} }

func (rollsumHash) Sum(p []byte) uint32 {
	var s1, s2 uint32
	for len(p) >= 4 {
		s1 += uint32(p[0]) + rollsumOffset
		s2 += s1
		s1 += uint32(p[1]) + rollsumOffset
		s2 += s1
		s1 += uint32(p[2]) + rollsumOffset
		s2 += s1
		s1 += uint32(p[3]) + rollsumOffset
		s2 += s1
		p = p[4:]
	}
	for _, b := range p {
		s1 += uint32(b) + rollsumOffset
		s2 += s1
	}
	return s2<<16 | s1&0xffff
}

type rollsumRoller struct {
	s1, s2 uint32
	n      int
}

func (r *rollsumRoller) Reset(window []byte) {
	var s1, s2 uint32
	for _, b := range window {
		s1 += uint32(b) + rollsumOffset
		s2 += s1
	}
	r.s1, r.s2, r.n = s1, s2, len(window)
}

func (r *rollsumRoller) Sum32() uint32 { return r.s2<<16 | r.s1&0xffff }
func (r *rollsumRoller) Len() int      { return r.n }

func (r *rollsumRoller) Roll(out, in byte) {
	r.s1 += uint32(in) - uint32(out)
	r.s2 += r.s1 - uint32(r.n)*(uint32(out)+rollsumOffset)
}

func (r *rollsumRoller) RollOut(out byte) {
	r.s1 -= uint32(out) + rollsumOffset
	r.s2 -= uint32(r.n) * (uint32(out) + rollsumOffset)
	r.n--
}

func (r *rollsumRoller) Scan(data []byte, f *Filter) (int, bool) {
	n := r.n
	if len(data) <= n {
		return 0, false
	}
	out := data[:len(data)-n]
	in := data[n:]
	in = in[:len(out)]
	s1, s2, cnt := r.s1, r.s2, uint32(n)
	for k := range out {
		o := uint32(out[k])
		s1 += uint32(in[k]) - o
		s2 += s1 - cnt*(o+rollsumOffset)
		if f.Has(s2<<16 | s1&0xffff) {
			r.s1, r.s2 = s1, s2
			return k + 1, true
		}
	}
	r.s1, r.s2 = s1, s2
	return len(out), false
}
