package delta

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
)

// TestWorkersSameDelta checks that the helpers verifying expected blocks
// change nothing: every worker count yields the same operations, which
// rebuild the new file, and the literals are only the edited bytes' blocks.
func TestWorkersSameDelta(t *testing.T) {
	const bl = 1024
	old := randBytes(41, 6<<20+77)
	new := bytes.Clone(old)
	for _, off := range []int{0, 5 * bl, 100*bl + 3, 1 << 20, 3<<20 + 511, len(old) - 10} {
		copy(new[off:off+10], randBytes(uint64(off), 10))
	}
	new = cat(new[:2<<20], randBytes(42, 3000), new[2<<20:4<<20], new[4<<20+5000:])
	var want []Op
	for _, workers := range []int{1, 2, 3, 8} {
		t.Run(fmt.Sprint("workers", workers), func(t *testing.T) {
			p := FerryParams(int64(len(old)), 9)
			p.BlockLen, p.Workers = bl, workers
			sig, err := Sign(bytes.NewReader(old), p)
			if err != nil {
				t.Fatal(err)
			}
			var ops OpList
			if err := Delta(sig, bytes.NewReader(new), &ops); err != nil {
				t.Fatal(err)
			}
			if got := apply(t, old, ops.Ops); !bytes.Equal(got, new) {
				t.Fatalf("rebuilt %d bytes, not the new file", len(got))
			}
			if lit := literalBytes(ops.Ops); lit > 8*2*bl+3000 {
				t.Errorf("%d literal bytes, want at most %d", lit, 8*2*bl+3000)
			}
			if want == nil {
				want = ops.Ops
			} else if !slices.EqualFunc(ops.Ops, want, func(a, b Op) bool {
				return a.Off == b.Off && a.N == b.N && bytes.Equal(a.Data, b.Data)
			}) {
				t.Errorf("%d ops differ from those of 1 worker (%d)", len(ops.Ops), len(want))
			}
		})
	}
}
