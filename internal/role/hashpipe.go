package role

import (
	"io"
	"sync"
	"sync/atomic"

	"github.com/zeebo/blake3"
)

// Hashing beside the data. Both ends hash every file they move (FileEnd's
// sum); with a peer that lacks sum-xxh3 (filesum.go), with BLAKE3. Hashed
// inline, BLAKE3 waits for each read and the next read waits for it: on a
// large file it adds a third to the time of a delta transfer. A pipeHash copies what it is given into buffers and
// hashes them on a goroutine of its own, so that the hashing overlaps the
// reads and writes; it is used for files of pipeHashMin bytes or more.

const (
	pipeHashBuf  = 1 << 20
	pipeHashBufs = 4 // the most the hashing may lag behind, in buffers
)

// PipeHashMin is the smallest file hashed on a goroutine; smaller ones
// are hashed inline. (A variable: the package's tests lower it so that
// every file they move goes through a pipeHash.)
var PipeHashMin int64 = 8 << 20

// pipeHashes counts the pipeHash goroutines running, for the tests.
var pipeHashes atomic.Int64

// pipeBufs recycles a pipeHash's buffers.
var pipeBufs = sync.Pool{New: func() any { b := make([]byte, 0, pipeHashBuf); return &b }}

// FileHash is a file's BLAKE3 being computed: inline (*blake3.Hasher) or
// on a goroutine (*pipeHash).
type FileHash interface {
	io.Writer
	// Sum appends the hash of everything written to b.
	Sum(b []byte) []byte
}

// NewFileHash returns the hash for a file of size bytes, computed with h
// (Reset first); stop it with stopHash.
func NewFileHash(h *blake3.Hasher, size int64) FileHash {
	h.Reset()
	if size < PipeHashMin {
		return h
	}
	return newPipeHash(h)
}

// StopHash ends fh's goroutine, if any, so that its hasher may be reused.
func StopHash(fh FileHash) {
	if p, ok := fh.(*pipeHash); ok {
		p.stop()
	}
}

// pipeHash hashes what is written to it on a goroutine of its own. Write
// copies, so the caller may reuse its buffer at once; Sum waits for the
// goroutine. It is not safe for concurrent use.
type pipeHash struct {
	h       *blake3.Hasher
	buf     *[]byte      // being filled, nil before the first write
	bufs    int          // taken from pipeBufs, at most pipeHashBufs
	full    chan *[]byte // to the goroutine
	free    chan *[]byte // back from it
	done    chan struct{}
	stopped bool
}

func newPipeHash(h *blake3.Hasher) *pipeHash {
	p := &pipeHash{h: h, full: make(chan *[]byte, pipeHashBufs), free: make(chan *[]byte, pipeHashBufs),
		done: make(chan struct{})}
	pipeHashes.Add(1)
	go func() {
		defer pipeHashes.Add(-1)
		defer close(p.done)
		for b := range p.full {
			h.Write(*b)
			*b = (*b)[:0]
			p.free <- b
		}
	}()
	return p
}

// next makes p.buf an empty buffer: a new one while fewer than
// pipeHashBufs were taken (so that a file uses memory only as its data
// comes), else one the goroutine is done with.
func (p *pipeHash) next() {
	select {
	case p.buf = <-p.free:
		return
	default:
	}
	if p.bufs < pipeHashBufs {
		p.bufs++
		p.buf = pipeBufs.Get().(*[]byte)
		return
	}
	p.buf = <-p.free
}

func (p *pipeHash) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		if p.buf == nil {
			p.next()
		}
		buf := *p.buf
		k := copy(buf[len(buf):cap(buf)], b)
		*p.buf = buf[:len(buf)+k]
		b = b[k:]
		if len(*p.buf) == cap(*p.buf) {
			p.full <- p.buf
			p.buf = nil
		}
	}
	return n, nil
}

// Sum waits until everything written is hashed and appends the hash to b.
// The pipeHash takes no more writes afterwards.
func (p *pipeHash) Sum(b []byte) []byte {
	p.stop()
	return p.h.Sum(b)
}

// stop hashes what is buffered, ends the goroutine and gives the buffers
// back; it may be called more than once.
func (p *pipeHash) stop() {
	if p.stopped {
		return
	}
	p.stopped = true
	if p.buf != nil {
		p.full <- p.buf // hashed (even if empty) and given back below
		p.buf = nil
	}
	close(p.full)
	<-p.done
	close(p.free)
	for b := range p.free {
		pipeBufs.Put(b)
	}
}
