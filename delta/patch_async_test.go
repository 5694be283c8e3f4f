package delta

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

// TestPatcherAsync: an Async Patcher writes exactly what a plain one
// writes, for copies and literals of every size around its buffer size,
// and all of it once Flush returns.
func TestPatcherAsync(t *testing.T) {
	basis := randBytes(21, 3*asyncBuf+123)
	tests := []struct {
		name string
		ops  []Op
	}{
		{"nothing", nil},
		{"one small copy", []Op{{Off: 7, N: 100}}},
		{"one literal", []Op{{Data: randBytes(1, 10)}}},
		{"whole basis", []Op{{Off: 0, N: int64(len(basis))}}},
		{"buffer exactly", []Op{{Off: 3, N: asyncBuf}, {Off: 0, N: asyncBuf}}},
		{"literal across buffers", []Op{{Off: 1, N: asyncBuf - 5}, {Data: randBytes(2, 2*asyncBuf+9)}, {Off: 9, N: 11}}},
		{"more buffers than the pool", []Op{{Off: 0, N: int64(len(basis))}, {Data: randBytes(3, 3)}, {Off: 0, N: int64(len(basis))}}},
		{"random", randomOps(4, len(basis), 40)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var want, got bytes.Buffer
			plain := NewPatcher(bytes.NewReader(basis), &want)
			async := NewPatcher(bytes.NewReader(basis), &got)
			async.Async()
			defer async.Close()
			for _, w := range []*Patcher{plain, async} {
				if err := applyOps(w, tc.ops); err != nil {
					t.Fatal(err)
				}
			}
			if err := async.Flush(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("async output of %d bytes differs from the plain one of %d", got.Len(), want.Len())
			}
			// Flush again, then more data: the Patcher goes on.
			if err := async.Flush(); err != nil {
				t.Fatal(err)
			}
			if err := async.Copy(0, 10); err != nil {
				t.Fatal(err)
			}
			if err := async.Close(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes()[want.Len():], basis[:10]) {
				t.Errorf("the copy after Flush is wrong")
			}
		})
	}
}

func randomOps(seed uint64, basisLen, n int) []Op {
	r := rand.New(rand.NewPCG(seed, 1))
	var ops []Op
	for range n {
		size := r.IntN(3 * asyncBuf / 2)
		if r.IntN(4) == 0 {
			ops = append(ops, Op{Data: randBytes(r.Uint64(), size%(64<<10))})
			continue
		}
		size = min(size, basisLen)
		ops = append(ops, Op{Off: int64(r.IntN(basisLen - size + 1)), N: int64(size)})
	}
	return ops
}

func applyOps(w OpWriter, ops []Op) error {
	for _, op := range ops {
		var err error
		if op.Data != nil {
			err = w.Literal(op.Data)
		} else {
			err = w.Copy(op.Off, op.N)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// failWriter fails every write once it has taken limit bytes.
type failWriter struct {
	n, limit int
}

var errDiskFull = errors.New("disk full")

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n+len(p) > f.limit {
		return 0, errDiskFull
	}
	f.n += len(p)
	return len(p), nil
}

// TestPatcherAsyncErrors: an error writing the output is returned by a
// later operation or by Flush and Close; a copy outside the basis fails at
// once; a closed Patcher refuses more work.
func TestPatcherAsyncErrors(t *testing.T) {
	basis := randBytes(22, 3*asyncBuf)
	t.Run("write error", func(t *testing.T) {
		p := NewPatcher(bytes.NewReader(basis), &failWriter{limit: asyncBuf + 1})
		p.Async()
		var err error
		for i := 0; i < 20 && err == nil; i++ {
			err = p.Copy(0, int64(len(basis)))
		}
		if ferr := p.Flush(); !errors.Is(err, errDiskFull) || !errors.Is(ferr, errDiskFull) {
			t.Errorf("copies gave %v, Flush %v; want %v", err, ferr, errDiskFull)
		}
		if err := p.Close(); !errors.Is(err, errDiskFull) {
			t.Errorf("Close gave %v, want %v", err, errDiskFull)
		}
	})
	t.Run("outside the basis", func(t *testing.T) {
		p := NewPatcher(bytes.NewReader(basis), io.Discard)
		p.Async()
		defer p.Close()
		if err := p.Copy(int64(len(basis))-5, 10); !errors.Is(err, ErrBasisRange) {
			t.Errorf("copy past the end: %v, want %v", err, ErrBasisRange)
		}
	})
	t.Run("short basis without a size", func(t *testing.T) {
		p := NewPatcher(onlyReaderAt{bytes.NewReader(basis)}, io.Discard)
		p.Async()
		defer p.Close()
		if err := p.Copy(int64(len(basis))-5, 10); !errors.Is(err, ErrBasisRange) {
			t.Errorf("copy past the end: %v, want %v", err, ErrBasisRange)
		}
	})
	t.Run("after Close", func(t *testing.T) {
		p := NewPatcher(bytes.NewReader(basis), io.Discard)
		p.Async()
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if err := p.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if err := p.Copy(0, 1); err == nil {
			t.Error("Copy after Close succeeded")
		}
		if err := p.Literal([]byte("x")); err == nil {
			t.Error("Literal after Close succeeded")
		}
	})
}
