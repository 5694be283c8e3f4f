package delta

import (
	"fmt"
	"io"
	"math"
	"sync"
)

// Writing behind: a Patcher made Async reads the basis on the caller's
// goroutine, straight into large buffers, and writes the buffers to its
// output on a goroutine of its own.
//
// Why: a receiver that rebuilds a large file from its basis spends its
// time in three steps per chunk: read the basis (pread), hash what it
// writes (in Out), and write it. Done in turn on one goroutine, the write
// (about half of it: the kernel copies into the page cache and the
// filesystem reserves each page) waited for the read and the read for the
// write, while the sender, the other half of the pipeline, waited for the
// receiver's refinement answers, which come between the data. With the
// output on its own goroutine, reading and writing overlap on two cores.
// The buffers also make the system calls fewer and larger: reads and writes
// of asyncBuf bytes instead of one read and one write per copy of at most
// patchChunk.

// Async output parameters.
const (
	asyncBuf  = 1 << 20 // bytes per buffer
	asyncBufs = 4       // buffers per Patcher: how far the writes may lag
)

var asyncPool = sync.Pool{New: func() any { b := make([]byte, asyncBuf); return &b }}

// asyncOut is the output side of an Async Patcher.
type asyncOut struct {
	out   io.Writer
	cur   *[]byte // being filled; (*cur)[:n] holds data
	n     int
	full  chan *[]byte // to the writer goroutine; a nil entry asks for an ack
	free  chan *[]byte // back from it (also the acks: nil)
	taken int          // buffers taken from asyncPool
	done  chan struct{}
	mu    sync.Mutex
	err   error // the first write error
	stop  bool
}

// Async makes p write its output on a goroutine of its own (see above).
// Call it before the first operation; Flush waits for the writes, Close
// ends the goroutine. An error writing to Out is returned by a later Copy,
// Literal, Flush or Close.
func (p *Patcher) Async() {
	if p.asy != nil {
		return
	}
	a := &asyncOut{out: p.out, full: make(chan *[]byte, asyncBufs+1), free: make(chan *[]byte, asyncBufs+1),
		done: make(chan struct{})}
	go a.run()
	p.asy = a
}

func (a *asyncOut) run() {
	defer close(a.done)
	for b := range a.full {
		if b != nil && a.failed() == nil {
			if _, err := a.out.Write(*b); err != nil {
				a.mu.Lock()
				a.err = err
				a.mu.Unlock()
			}
		}
		a.free <- b
	}
}

func (a *asyncOut) failed() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

// buf returns the room left in the current buffer, getting one if needed.
func (a *asyncOut) buf() []byte {
	if a.cur == nil {
		if a.taken < asyncBufs {
			a.taken++
			a.cur = asyncPool.Get().(*[]byte)
		} else {
			for a.cur == nil {
				a.cur = <-a.free // nil: an ack nobody waits for any more
			}
		}
		a.n = 0
	}
	return (*a.cur)[a.n:]
}

// filled records k more bytes in the current buffer and hands it to the
// writer when full.
func (a *asyncOut) filled(k int) error {
	a.n += k
	if a.n == len(*a.cur) {
		return a.send()
	}
	return nil
}

// send hands the current buffer, if any, to the writer.
func (a *asyncOut) send() error {
	if a.cur != nil && a.n > 0 {
		*a.cur = (*a.cur)[:a.n]
		a.full <- a.cur
		a.cur = nil
	}
	return a.failed()
}

// flush waits until everything handed over is written.
func (a *asyncOut) flush() error {
	if a.stop {
		return a.failed()
	}
	if err := a.send(); err != nil {
		return err
	}
	a.full <- nil
	for {
		b := <-a.free
		if b == nil {
			break
		}
		*b = (*b)[:cap(*b)]
		asyncPool.Put(b)
		a.taken--
	}
	return a.failed()
}

func (a *asyncOut) close() error {
	if a.stop {
		return a.failed()
	}
	err := a.flush()
	a.stop = true
	close(a.full)
	<-a.done
	if a.cur != nil {
		*a.cur = (*a.cur)[:cap(*a.cur)]
		asyncPool.Put(a.cur)
		a.cur = nil
	}
	return err
}

// copyAsync is Copy for an Async Patcher: it reads into the output buffers.
func (p *Patcher) copyAsync(off, n int64) error {
	a := p.asy
	if a.stop {
		return fmt.Errorf("%w: patcher closed", ErrBasisRange)
	}
	for n > 0 {
		b := a.buf()
		b = b[:min(int64(len(b)), n)]
		got, err := p.basis.ReadAt(b, off)
		if got < len(b) {
			if err == nil || err == io.EOF {
				return fmt.Errorf("%w: %d bytes at %d", ErrBasisRange, n, off)
			}
			return fmt.Errorf("read basis at %d: %w", off, err)
		}
		if err := a.filled(len(b)); err != nil {
			return err
		}
		off += int64(len(b))
		n -= int64(len(b))
	}
	return a.failed()
}

// literalAsync is Literal for an Async Patcher: it copies b into the output
// buffers.
func (p *Patcher) literalAsync(b []byte) error {
	a := p.asy
	if a.stop {
		return fmt.Errorf("%w: patcher closed", ErrBasisRange)
	}
	for len(b) > 0 {
		k := copy(a.buf(), b)
		if err := a.filled(k); err != nil {
			return err
		}
		b = b[k:]
	}
	return a.failed()
}

// Flush waits until all the output so far is written to Out and returns
// the first error writing it. It does nothing unless p is Async.
func (p *Patcher) Flush() error {
	if p.asy == nil {
		return nil
	}
	return p.asy.flush()
}

// Close flushes the output and ends the goroutine of an Async Patcher;
// later operations fail. It does nothing unless p is Async, and may be
// called more than once.
func (p *Patcher) Close() error {
	if p.asy == nil {
		return nil
	}
	return p.asy.close()
}

// checkCopy reports a copy outside the basis.
func (p *Patcher) checkCopy(off, n int64) error {
	if off < 0 || n < 0 || off > math.MaxInt64-n || (p.size >= 0 && off+n > p.size) {
		return fmt.Errorf("%w: %d bytes at %d", ErrBasisRange, n, off)
	}
	return nil
}
