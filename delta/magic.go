package delta

import "fmt"

// Magic is the first 4 bytes (big-endian) of an rdiff signature or delta.
type Magic uint32

// The rdiff magic numbers.
const (
	MagicDelta              Magic = 0x72730236 // delta
	MagicRollsumMD4         Magic = 0x72730136 // signature: rollsum + MD4
	MagicRollsumBLAKE2      Magic = 0x72730137 // signature: rollsum + BLAKE2
	MagicRabinKarpMD4       Magic = 0x72730146 // signature: RabinKarp + MD4
	MagicRabinKarpBLAKE2    Magic = 0x72730147 // signature: RabinKarp + BLAKE2 (rdiff 2.3 default)
	rabinKarpMagicIncrement       = 0x10
)

// params returns the hashes of a signature magic.
func (m Magic) params() (Params, error) {
	var p Params
	switch m {
	case MagicRollsumMD4, MagicRabinKarpMD4:
		p.Strong = MD4()
	case MagicRollsumBLAKE2, MagicRabinKarpBLAKE2:
		p.Strong = BLAKE2()
	default:
		return p, fmt.Errorf("%w %#08x", ErrBadMagic, uint32(m))
	}
	p.Rolling = Rollsum()
	if m >= MagicRollsumMD4+rabinKarpMagicIncrement {
		p.Rolling = RabinKarp()
	}
	return p, nil
}

// SignatureMagic returns the rdiff signature magic for p's hashes, or
// ErrParams when rdiff has no format for them (XXH3, for instance).
func SignatureMagic(p Params) (Magic, error) {
	if p.Rolling == nil || p.Strong == nil {
		return 0, fmt.Errorf("%w: missing hash", ErrParams)
	}
	var m Magic
	switch p.Strong.Name() {
	case "md4":
		m = MagicRollsumMD4
	case "blake2":
		m = MagicRollsumBLAKE2
	default:
		return 0, fmt.Errorf("%w: rdiff has no format for strong hash %s", ErrParams, p.Strong.Name())
	}
	switch p.Rolling.Name() {
	case "rollsum":
	case "rabinkarp":
		m += rabinKarpMagicIncrement
	default:
		return 0, fmt.Errorf("%w: rdiff has no format for rolling hash %s", ErrParams, p.Rolling.Name())
	}
	return m, nil
}
