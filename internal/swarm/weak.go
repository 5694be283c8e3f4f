package swarm

// Weak checksums (manifest version 2): each chunk of a file also has a
// 32-bit rolling checksum of its bytes, so that a client can slide a
// window over its old file and find a chunk at any byte offset (a file
// with bytes inserted or removed), then verify the candidate by its
// BLAKE3 before using it. The checksum is rsync's: a = the sum of the
// bytes, b = the sum of (n-i) times byte i, for the chunk's n bytes, each
// mod 2^16; the value is a + b<<16. Sliding the window one byte drops the
// first byte (out) and adds the next (in): a += in - out;
// b += a - n*out (a after the update).

// WeakSum returns the weak checksum of a chunk's bytes.
func WeakSum(p []byte) uint32 {
	var a, b uint32
	n := uint32(len(p))
	for i, c := range p {
		a += uint32(c)
		b += (n - uint32(i)) * uint32(c)
	}
	return a&0xffff | b<<16
}

// roller slides a weak checksum over a window of n bytes.
type roller struct {
	a, b, n uint32
}

func newRoller(window []byte) roller {
	var r roller
	r.n = uint32(len(window))
	for i, c := range window {
		r.a += uint32(c)
		r.b += (r.n - uint32(i)) * uint32(c)
	}
	return r
}

// roll drops out and adds in.
func (r *roller) roll(out, in byte) {
	r.a += uint32(in) - uint32(out)
	r.b += r.a - r.n*uint32(out)
}

func (r *roller) sum() uint32 { return r.a&0xffff | r.b<<16 }
