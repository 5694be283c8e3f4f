package swarm

import (
	"sync"
)

// Read-ahead: a server reads the chunks of queued requests concurrently
// (up to readAheadBytes of them, at least one) while it answers in order.
// A tree of small files is mostly opens and reads of files not in the page
// cache; one at a time, a source serves at the disk's latency, not its
// throughput, and one core hashes. The replies still go out in request
// order.

// readAheadBytes bounds the chunk bytes a connection holds read and not
// yet sent (a few 1 MiB chunks, or hundreds of small ones).
const readAheadBytes = 4 << 20

// maxReadAhead bounds the chunk reads a connection runs at once.
const maxReadAhead = 32

// prefetched is a chunk being read for a queued request.
type prefetched struct {
	done chan struct{}
	data []byte
	code uint16
	msg  string
	buf  []byte // the pooled buffer of data
	cost int
}

// budget is a weighted semaphore of bytes and reads: acquire waits until
// both are free, or nothing is held (a request larger than the budget
// still goes, alone).
type budget struct {
	mu         sync.Mutex
	cond       *sync.Cond
	used, runs int
	closed     bool
}

func newBudget() *budget {
	b := &budget{}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// acquire takes n bytes and one read; false when the budget was closed.
func (b *budget) acquire(n int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for !b.closed && b.runs > 0 && (b.used+n > readAheadBytes || b.runs >= maxReadAhead) {
		b.cond.Wait()
	}
	if b.closed {
		return false
	}
	b.used += n
	b.runs++
	return true
}

func (b *budget) release(n int) {
	b.mu.Lock()
	b.used -= n
	b.runs--
	b.mu.Unlock()
	b.cond.Broadcast()
}

// close makes every acquire, now and later, fail.
func (b *budget) close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.cond.Broadcast()
}

// chunkBufPool recycles the buffers of full-size chunks read ahead.
var chunkBufPool = sync.Pool{New: func() any { return new([ChunkSize]byte) }}

// readAhead passes reqs on to out in order, starting the read of each
// chunk request not cancelled as it goes (within the budget).
func (s *server) readAhead(reqs <-chan request, out chan<- request, b *budget) {
	defer close(out)
	for r := range reqs {
		if !r.manifest && r.typ == 0 && !s.isCancelled(r.chunk.ID) {
			cost := int(r.chunk.Length)
			if !b.acquire(cost) {
				continue // the connection is over: drain
			}
			p := &prefetched{done: make(chan struct{}), cost: cost}
			r.pre = p
			go func(req chunkReq) {
				defer close(p.done)
				if req.Length == ChunkSize {
					p.buf = chunkBufPool.Get().(*[ChunkSize]byte)[:]
				} else {
					p.buf = make([]byte, req.Length)
				}
				p.data, p.code, p.msg = s.readChunk(&req, p.buf)
			}(r.chunk)
		}
		out <- r
	}
}

// isCancelled reports whether request id was cancelled, and forgets it.
func (s *server) isCancelled(id uint32) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cancelled[id]
	delete(s.cancelled, id)
	return c
}

// finish gives back what a read-ahead chunk held.
func (p *prefetched) finish(b *budget) {
	<-p.done
	if len(p.buf) == ChunkSize {
		chunkBufPool.Put((*[ChunkSize]byte)(p.buf))
	}
	p.buf, p.data = nil, nil
	b.release(p.cost)
}
