package session

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/zeebo/blake3"
)

// TestMain makes every file the package's tests move (but empty ones) go
// through a pipeHash, and fails the run if any pipeHash goroutine is left
// once the tests are done: every way a file can end must stop its hash.
func TestMain(m *testing.M) {
	pipeHashMin = 1
	code := m.Run()
	for i := 0; pipeHashes.Load() != 0 && i < 100; i++ {
		time.Sleep(20 * time.Millisecond) // a session still closing
	}
	if n := pipeHashes.Load(); n != 0 && code == 0 {
		fmt.Fprintf(os.Stderr, "%d pipeHash goroutines left running\n", n)
		code = 1
	}
	os.Exit(code)
}

// TestPipeHash checks that hashing on a goroutine gives the inline sum for
// any pattern of writes (small, buffer-sized, larger than all buffers,
// none), that the writer's buffer may be reused at once, and that stop
// may come before, after or instead of Sum.
func TestPipeHash(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 3*pipeHashBufs*pipeHashBuf+12345)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	for _, c := range []struct {
		name  string
		sizes []int // write sizes, repeated until the data ends
		n     int   // bytes written
	}{
		{"nothing", []int{1}, 0},
		{"one byte", []int{1}, 1},
		{"small writes", []int{1, 7, 4096, 333}, len(data)},
		{"exact buffers", []int{pipeHashBuf}, 2 * pipeHashBuf},
		{"one huge write", []int{len(data)}, len(data)},
	} {
		t.Run(c.name, func(t *testing.T) {
			want := blake3.Sum256(data[:c.n])
			h := blake3.New()
			h.Write([]byte("left over from an earlier file"))
			fh := newFileHash(h, pipeHashMin)
			if _, ok := fh.(*pipeHash); !ok {
				t.Fatalf("a file of %d bytes is hashed inline", pipeHashMin)
			}
			scratch := make([]byte, len(data))
			for off, i := 0, 0; off < c.n; i++ {
				k := min(c.sizes[i%len(c.sizes)], c.n-off)
				copy(scratch, data[off:off+k])
				if n, err := fh.Write(scratch[:k]); n != k || err != nil {
					t.Fatalf("Write: %d, %v", n, err)
				}
				clear(scratch[:k]) // reused at once
				off += k
			}
			if got := fh.Sum(nil); !bytes.Equal(got, want[:]) {
				t.Errorf("sum %x, want %x", got, want)
			}
			stopHash(fh) // after Sum: nothing left to do
		})
	}
	t.Run("stopped without a sum", func(t *testing.T) {
		h := blake3.New()
		fh := newFileHash(h, pipeHashMin)
		fh.Write(data[:pipeHashBuf+1])
		stopHash(fh)
		stopHash(fh)
		if fh := newFileHash(h, pipeHashMin-1); fh != h {
			t.Error("a small file is not hashed inline")
		}
	})
}
