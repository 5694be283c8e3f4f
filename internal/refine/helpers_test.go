package refine

import (
	"bytes"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/ferrysync/ferry/delta"
)

// Test helpers, the same as delta's tests'.

// benchSize is the size of the benchmark files.
const benchSize = 64 << 20

func benchData(b *testing.B) (old, new []byte) {
	b.Helper()
	old = randBytes(11, benchSize)
	edited := bytes.Clone(old)
	for i := range 200 {
		off := i*(benchSize/200) + i*7919%4096*61
		copy(edited[off:], randBytes(uint64(off), 4096))
	}
	ins, del := benchSize*3/10, benchSize*7/10
	new = cat(edited[:ins], randBytes(13, 1<<20), edited[ins:del], edited[del+1<<20:])
	return old, new
}

// cat joins parts.
func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// edit returns b with n bytes at off replaced by random ones.
func edit(b []byte, off, n int, seed uint64) []byte {
	c := bytes.Clone(b)
	copy(c[off:off+n], randBytes(seed, n))
	return c
}

// randBytes returns n pseudo-random bytes from seed.
func randBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// countingHash counts strong-hash computations.
type countingHash struct {
	delta.StrongHash
	n atomic.Int64
}

func (c *countingHash) Sum(dst, p []byte) []byte {
	c.n.Add(1)
	return c.StrongHash.Sum(dst, p)
}
