package delta

import "fmt"

// Limits checked by every decoder before it allocates.
const (
	// MaxBlockLen is the largest block length accepted; the delta window
	// holds a few blocks, so it bounds memory.
	MaxBlockLen = 1 << 24
	// MaxStrongLen is the largest stored strong-sum length (BLAKE2's 32).
	MaxStrongLen = 32
)

// Params chooses the block length and the hashes of a signature. They are
// parameters of the algorithm, not constants: rdiff and ferry's protocol use
// different ones.
type Params struct {
	// BlockLen is the length of every block but a range's last.
	BlockLen int
	// StrongLen is how many bytes of the strong digest are stored.
	StrongLen int
	// Rolling is the weak checksum.
	Rolling RollingHash
	// Strong is the strong checksum.
	Strong StrongHash
	// Workers bounds the goroutines that hash blocks in parallel; zero
	// means GOMAXPROCS. It does not change any output.
	Workers int
}

// Check reports whether p is usable.
func (p Params) Check() error {
	switch {
	case p.Rolling == nil || p.Strong == nil:
		return fmt.Errorf("%w: missing hash", ErrParams)
	case p.BlockLen < 1 || p.BlockLen > MaxBlockLen:
		return fmt.Errorf("%w: block length %d not in [1, %d]", ErrParams, p.BlockLen, MaxBlockLen)
	case p.StrongLen < 1 || p.StrongLen > p.Strong.Size() || p.StrongLen > MaxStrongLen:
		return fmt.Errorf("%w: strong length %d not in [1, %d] for %s",
			ErrParams, p.StrongLen, min(p.Strong.Size(), MaxStrongLen), p.Strong.Name())
	}
	return nil
}

// rdiff's defaults (librsync whole.c, sumset.c).
const (
	rdiffDefaultBlockLen    = 2048 // RS_DEFAULT_BLOCK_LEN, when the size is unknown
	rdiffMinBlockLen        = 256  // used up to 256*256 bytes
	rdiffDefaultMinStrong   = 12   // RS_DEFAULT_MIN_STRONG_LEN
	rdiffStrongLenMinimum   = -1   // rdiff -S -1: the smallest safe length
	rdiffStrongLenMaxDigest = 0    // rdiff -S 0: the whole digest
)

// RdiffParams returns the parameters rdiff 2.3 would use for a basis of size
// bytes (size < 0: unknown, as for stdin) with the given magic (0: RabinKarp
// and BLAKE2). blockLen 0 selects rdiff's rule; strongLen 0 selects the whole
// digest and -1 the smallest safe length. The rule (librsync rs_sig_args):
//
//	blockLen  = 256                     if size <= 65536
//	          = isqrt(size) &^ 127      otherwise
//	          = 2048                    if size is unknown
//	minStrong = 2 + (log2(size + 2^24) + log2(size/blockLen + 1) + 7) / 8
func RdiffParams(size int64, magic Magic, blockLen, strongLen int) (Params, error) {
	if magic == 0 {
		magic = MagicRabinKarpBLAKE2
	}
	p, err := magic.params()
	if err != nil {
		return Params{}, err
	}
	if blockLen == 0 {
		switch {
		case size < 0:
			blockLen = rdiffDefaultBlockLen
		case size <= 256*256:
			blockLen = rdiffMinBlockLen
		default:
			blockLen = int(isqrt(size)) &^ 127
		}
	}
	p.BlockLen = blockLen
	switch strongLen {
	case rdiffStrongLenMaxDigest:
		p.StrongLen = p.Strong.Size()
	case rdiffStrongLenMinimum:
		p.StrongLen = rdiffDefaultMinStrong
		if size >= 0 && blockLen > 0 {
			p.StrongLen = 2 + (log2(size+1<<24)+log2(size/int64(blockLen)+1)+7)/8
		}
		p.StrongLen = min(p.StrongLen, p.Strong.Size())
	default:
		p.StrongLen = strongLen
	}
	return p, p.Check()
}

// Ferry's block rule: about sqrt(size), a multiple of 64, clamped.
const (
	ferryMinBlockLen = 512
	ferryMaxBlockLen = 256 << 10
	ferryMinStrong   = 8
	ferryMaxStrong   = 16
)

// FerryParams returns ferry's own parameters for a basis of size bytes:
// RabinKarp weak sums, seeded XXH3-128 strong sums, and
//
//	blockLen  = clamp(roundup(isqrt(size), 64), 512, 256 KiB)
//	strongLen = clamp(ceil((log2(size) + log2(blocks) + 16) / 8), 8, 16)
//
// The strong length keeps the chance of any false block match in a delta
// of a file of about the basis size below 2^-48 (a delta makes at most
// about size·blocks weak-sum candidates, each a false match with
// probability 2^-(32+8·strongLen)); a false match would only cost a retry,
// since ferry verifies every file by its BLAKE3 sum. It is 8 bytes up to
// files of several GiB, half the signature cost of the whole digest.
func FerryParams(size int64, seed uint64) Params {
	size = max(size, 0)
	bl := int((isqrt(size) + 63) &^ 63)
	bl = min(max(bl, ferryMinBlockLen), ferryMaxBlockLen)
	blocks := size/int64(bl) + 1
	strong := (log2(size+1) + 1 + log2(blocks) + 1 + 16 + 7) / 8
	strong = min(max(strong, ferryMinStrong), ferryMaxStrong)
	return Params{BlockLen: bl, StrongLen: strong, Rolling: RabinKarp(), Strong: XXH3(seed)}
}

// isqrt returns floor(sqrt(v)) for v >= 0.
func isqrt(v int64) int64 {
	if v < 2 {
		return v
	}
	var r int64
	for b := int64(1) << 31; b > 0; b >>= 1 {
		if c := r | b; c*c <= v {
			r = c
		}
	}
	return r
}

// log2 returns floor(log2(v)) for v >= 1, and 0 for v < 1, like librsync's
// rs_long_ln2.
func log2(v int64) int {
	n := 0
	for v >>= 1; v > 0; v >>= 1 {
		n++
	}
	return n
}
