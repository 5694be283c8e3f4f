package delta

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/ferrysync/ferry/internal/bufpool"
)

// signAtChunk is about how much a SignAt worker reads at once: small, as
// each worker's buffer is fresh memory for the first file it signs (a page
// fault per 4 KiB page), large enough that a read costs little.
const signAtChunk = 1 << 20

// SignAt returns the signature of the first size bytes of r, the same as
// Sign over them. Up to Workers goroutines each read and hash chunks of
// their own (about 1 MiB of whole blocks), claimed in order: reads and
// hashing overlap, on every worker, with no wait between chunks. Sign reads
// a chunk, then hashes it with all workers while nothing is read. It fails
// when r holds fewer than size bytes.
func SignAt(r io.ReaderAt, size int64, p Params) (*Signature, error) {
	s, err := NewSignature(p)
	if err != nil {
		return nil, err
	}
	if size < 0 {
		return nil, fmt.Errorf("%w: negative size %d", ErrParams, size)
	}
	bl := int64(s.BlockLen)
	nb := int((size + bl - 1) / bl)
	s.Blocks = make([]Block, nb)
	s.sums = make([]byte, nb*s.StrongLen)
	per := max(signAtChunk/s.BlockLen, 1) // blocks per chunk
	chunks := (nb + per - 1) / per
	var (
		next   atomic.Int64
		failed atomic.Bool
		mu     sync.Mutex
		first  error // the error of the lowest failing chunk
		errAt  = chunks
	)
	work := func() {
		buf := bufpool.Get(int(min(int64(per)*bl, size)))
		defer bufpool.Put(buf)
		var tmp [64]byte
		for {
			c := int(next.Add(1) - 1)
			if c >= chunks || failed.Load() {
				return
			}
			lo, hi := c*per, min((c+1)*per, nb)
			start := int64(lo) * bl
			b := buf[:min(int64(hi)*bl, size)-start]
			if n, err := r.ReadAt(b, start); n < len(b) {
				if err == nil || err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				mu.Lock()
				if c < errAt {
					errAt, first = c, fmt.Errorf("read at %d: %w", start+int64(n), err)
				}
				mu.Unlock()
				failed.Store(true)
				return
			}
			for i := lo; i < hi; i++ {
				d := b[int64(i-lo)*bl : min(int64(i-lo+1)*bl, int64(len(b)))]
				s.Blocks[i] = Block{Offset: int64(i) * bl, Len: len(d), Weak: s.Rolling.Sum(d)}
				copy(s.sums[i*s.StrongLen:(i+1)*s.StrongLen], s.Strong.Sum(tmp[:0], d))
			}
		}
	}
	var wg sync.WaitGroup
	for range min(s.workers(), chunks) - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return s, nil
}
