package delta

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzReadRdiffSignature checks that the signature decoder never panics and
// that what it accepts survives a write and a second read unchanged.
func FuzzReadRdiffSignature(f *testing.F) {
	f.Add(cat(be32(uint32(MagicRabinKarpBLAKE2), 256, 32), be32(1), make([]byte, 32)))
	f.Fuzz(func(t *testing.T, data []byte) {
		sig, err := ReadRdiffSignature(bytes.NewReader(data))
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a FormatError", err)
			}
			return
		}
		var out bytes.Buffer
		if err := WriteRdiffSignature(&out, sig); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), data[:out.Len()]) {
			t.Fatal("re-encoded signature differs")
		}
		if sig.BlockLen > 4096 {
			return // keep each run small; big blocks only grow the window
		}
		newer := []byte("some new data that is long enough to span a few tiny blocks")
		var ops OpList
		if err := Delta(sig, bytes.NewReader(newer), &ops); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzReadRdiffDelta checks that the delta decoder never panics, reports
// errors as FormatErrors, and that what it accepts re-encodes to the same
// operations.
func FuzzReadRdiffDelta(f *testing.F) {
	f.Add(cat(be32(uint32(MagicDelta)), []byte{3, 'a', 'b', 'c', 0x45, 1, 2, 0}))
	basis := randBytes(50, 4096)
	f.Fuzz(func(t *testing.T, data []byte) {
		var ops OpList
		err := ReadRdiffDelta(bytes.NewReader(data), &limitOps{OpList: &ops, basis: int64(len(basis))})
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a FormatError", err)
			}
			return
		}
		var enc bytes.Buffer
		w := NewRdiffDeltaWriter(&enc)
		for _, op := range ops.Ops {
			if op.Data != nil {
				w.Literal(op.Data)
			} else {
				w.Copy(op.Off, op.N)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		var again bytes.Buffer
		if err := Patch(bytes.NewReader(basis), bytes.NewReader(enc.Bytes()), &again); err != nil {
			t.Fatalf("re-encoded delta: %v", err)
		}
		var first bytes.Buffer
		if err := Patch(bytes.NewReader(basis), bytes.NewReader(data), &first); err != nil {
			t.Fatalf("patch: %v", err)
		}
		if !bytes.Equal(first.Bytes(), again.Bytes()) {
			t.Fatal("re-encoded delta rebuilds different data")
		}
	})
}

// limitOps records operations, rejecting copies outside the basis so that
// fuzzed lengths cannot make the recorder allocate.
type limitOps struct {
	*OpList
	basis int64
}

func (l *limitOps) Copy(off, n int64) error {
	if off+n > l.basis {
		return ErrBasisRange
	}
	return l.OpList.Copy(off, n)
}
