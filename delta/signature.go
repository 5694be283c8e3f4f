package delta

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
)

// A Block is one signed range of the basis.
type Block struct {
	Offset int64  // where the block starts in the basis
	Len    int    // its length: Params.BlockLen, or less for a range's last block
	Weak   uint32 // its rolling checksum
}

// A Signature lists the weak and strong checksums of basis blocks. Blocks
// usually tile the basis in order (what rdiff writes), but they may cover any
// ranges, such as a sub-range re-signed with smaller blocks; the delta
// generator prefers, after a match of block i, block i+1 next.
type Signature struct {
	Params
	Blocks []Block
	sums   []byte // StrongLen bytes per block
}

// NewSignature returns an empty signature with parameters p.
func NewSignature(p Params) (*Signature, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	return &Signature{Params: p}, nil
}

// Sign reads r to its end and returns the signature of its blocks.
func Sign(r io.Reader, p Params) (*Signature, error) {
	s, err := NewSignature(p)
	if err != nil {
		return nil, err
	}
	if _, err := s.AddBlocks(r, 0); err != nil {
		return nil, err
	}
	return s, nil
}

// StrongSum returns the stored strong sum of block i.
func (s *Signature) StrongSum(i int) []byte {
	return s.sums[i*s.StrongLen : (i+1)*s.StrongLen]
}

// Append adds one block whose strong sum is strong (at least StrongLen bytes;
// only the prefix is kept).
func (s *Signature) Append(b Block, strong []byte) error {
	if b.Len < 1 || b.Len > s.BlockLen || b.Offset < 0 || len(strong) < s.StrongLen {
		return fmt.Errorf("%w: block at %d of length %d", ErrParams, b.Offset, b.Len)
	}
	s.Blocks = append(s.Blocks, b)
	s.sums = append(s.sums, strong[:s.StrongLen]...)
	return nil
}

// sigChunk is how many bytes AddBlocks hashes per round (at least 2 blocks
// per worker).
const sigChunk = 4 << 20

// AddBlocks reads r to its end, signing it in blocks of BlockLen (the last may
// be shorter) that start at basis offset off. Several goroutines hash blocks
// at once; the order of Blocks is that of the data. It returns the number of
// bytes read.
func (s *Signature) AddBlocks(r io.Reader, off int64) (int64, error) {
	workers := s.workers()
	chunk := max(sigChunk/s.BlockLen, 2*workers) * s.BlockLen
	buf := make([]byte, chunk)
	var total int64
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			s.hashChunk(buf[:n], off+total, workers)
			total += int64(n)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

func (s *Signature) workers() int {
	if s.Workers > 0 {
		return s.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// hashChunk appends the blocks of data, which starts at basis offset off.
func (s *Signature) hashChunk(data []byte, off int64, workers int) {
	nb := (len(data) + s.BlockLen - 1) / s.BlockLen
	first := len(s.Blocks)
	s.Blocks = append(s.Blocks, make([]Block, nb)...)
	s.sums = append(s.sums, make([]byte, nb*s.StrongLen)...)
	blocks, sums := s.Blocks[first:], s.sums[first*s.StrongLen:]
	work := func(lo, hi int) {
		var tmp [64]byte
		for i := lo; i < hi; i++ {
			p := data[i*s.BlockLen : min((i+1)*s.BlockLen, len(data))]
			blocks[i] = Block{Offset: off + int64(i*s.BlockLen), Len: len(p), Weak: s.Rolling.Sum(p)}
			copy(sums[i*s.StrongLen:(i+1)*s.StrongLen], s.Strong.Sum(tmp[:0], p))
		}
	}
	parallel(nb, workers, len(data) >= minParallelBytes, work)
}

// minParallelBytes is the least data worth handing to other goroutines.
const minParallelBytes = 128 << 10

// parallel runs work over [0, n) split in contiguous parts, one per worker,
// the first on the calling goroutine.
func parallel(n, workers int, worth bool, work func(lo, hi int)) {
	if workers <= 1 || n < 2 || !worth {
		work(0, n)
		return
	}
	workers = min(workers, n)
	var wg sync.WaitGroup
	per := (n + workers - 1) / workers
	for lo := per; lo < n; lo += per {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			work(lo, hi)
		}(lo, min(lo+per, n))
	}
	work(0, min(per, n))
	wg.Wait()
}
