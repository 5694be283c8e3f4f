package delta

import (
	"hash"
	"sync"

	"github.com/zeebo/xxh3"
	"golang.org/x/crypto/blake2b"
	"golang.org/x/crypto/md4" //lint:ignore SA1019 the rdiff formats 0x72730136/46 are defined with MD4
)

// A StrongHash is the checksum that confirms a weak-sum match. Signatures
// store a prefix of its digest (Params.StrongLen bytes). Sum must be safe for
// concurrent use.
type StrongHash interface {
	// Name identifies the hash ("md4", "blake2", "xxh3").
	Name() string
	// Size is the full digest length in bytes.
	Size() int
	// Sum appends the digest of p to dst and returns the result.
	Sum(dst, p []byte) []byte
}

// MD4 returns the MD4 strong hash (16 bytes) of the older rdiff formats.
func MD4() StrongHash { return md4Hash{} }

// BLAKE2 returns librsync's BLAKE2 strong hash: BLAKE2b with a 32-byte
// digest (not a truncated BLAKE2b-512), the default of rdiff.
func BLAKE2() StrongHash { return blake2Hash{} }

// XXH3 returns the seeded 128-bit XXH3 strong hash used by ferry's protocol.
// The seed, chosen per session, keeps collisions from being precomputed.
func XXH3(seed uint64) StrongHash { return xxh3Hash{seed: seed} }

type md4Hash struct{}

var md4Pool = sync.Pool{New: func() any { return md4.New() }}

func (md4Hash) Name() string { return "md4" }
func (md4Hash) Size() int    { return md4.Size }
func (md4Hash) Sum(dst, p []byte) []byte {
	h := md4Pool.Get().(hash.Hash)
	h.Reset()
	h.Write(p)
	dst = h.Sum(dst)
	md4Pool.Put(h)
	return dst
}

type blake2Hash struct{}

func (blake2Hash) Name() string { return "blake2" }
func (blake2Hash) Size() int    { return blake2b.Size256 }
func (blake2Hash) Sum(dst, p []byte) []byte {
	s := blake2b.Sum256(p)
	return append(dst, s[:]...)
}

type xxh3Hash struct{ seed uint64 }

func (xxh3Hash) Name() string { return "xxh3" }
func (xxh3Hash) Size() int    { return 16 }
func (x xxh3Hash) Sum(dst, p []byte) []byte {
	s := xxh3.Hash128Seed(p, x.seed).Bytes()
	return append(dst, s[:]...)
}
