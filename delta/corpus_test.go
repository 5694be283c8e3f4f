package delta

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// pair is an old (basis) and new file.
type pair struct {
	name     string
	old, new []byte
}

func randBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// edit returns b with n bytes at off replaced by random ones.
func edit(b []byte, off, n int, seed uint64) []byte {
	c := bytes.Clone(b)
	copy(c[off:off+n], randBytes(seed, n))
	return c
}

// corpus returns the interop cases; rdiff uses 256-byte blocks up to 64 KiB.
func corpus(t testing.TB) []pair {
	t.Helper()
	base := randBytes(1, 300_000)
	mid := len(base) / 2
	ins := randBytes(2, 1000)
	block := randBytes(3, 256)
	zeros := make([]byte, 64<<20)
	zerosEdited := bytes.Clone(zeros)
	zerosEdited[32<<20] = 1
	return []pair{
		{"empty", nil, nil},
		{"empty-old", nil, randBytes(4, 5000)},
		{"empty-new", base[:5000], nil},
		{"one-byte", []byte{7}, []byte{7}},
		{"one-byte-changed", []byte{7}, []byte{8}},
		{"one-block", block, block},
		{"one-block-plus-1", block, cat(block, []byte{1})},
		{"one-block-minus-1", block, block[:255]},
		{"block-plus-1-to-block", cat(block, []byte{1}), block},
		{"identical", base, base},
		{"zeros-64MiB", zeros, zerosEdited},
		{"insert-start", base, cat(ins, base)},
		{"insert-middle", base, cat(base[:mid], ins, base[mid:])},
		{"insert-end", base, cat(base, ins)},
		{"delete-start", base, base[1000:]},
		{"delete-middle", base, cat(base[:mid], base[mid+1000:])},
		{"delete-end", base, base[:len(base)-1000]},
		{"edit-start", base, edit(base, 0, 10, 5)},
		{"edit-middle", base, edit(base, mid, 10, 6)},
		{"edit-end", base, edit(base, len(base)-10, 10, 7)},
		{"truncated", base, base[:mid+77]},
		{"appended", base[:mid+77], base},
		{"unrelated", base[:100_000], randBytes(8, 100_000)},
		{"repeated-block", bytes.Repeat(block, 1000), cat(bytes.Repeat(block, 500), ins, bytes.Repeat(block, 600))},
	}
}
