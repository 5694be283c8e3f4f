package swarm

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// The scheduler hands chunks to sources. Each source has a sender, which
// asks next() for work and sends GET_CHUNK, and a reader, which verifies
// replies and hands them to complete(). A source pulls a new chunk as soon
// as it has fewer than its depth in flight, so a fast source comes back
// for more sooner and takes a share proportional to its rate; its depth
// (requests in flight) grows with its measured rate, enough to cover
// depthWindow of transfer, so that no source idles for a round trip.
// When the queue is empty and nothing more will come (the endgame), a
// source with room takes a chunk already in flight elsewhere; the first
// verified copy wins and the others are cancelled.

const (
	minInflight = 2 * ChunkSize // bytes in flight at any source, at least
	// maxDepth bounds the requests in flight at a source: the server
	// queues MaxOutstanding and leaves the rest in the connection's
	// buffers, and small chunks need many in flight to fill a fast
	// source's window.
	maxDepth    = 4 * MaxOutstanding
	maxBatch    = 64 // requests sent in one write
	depthWindow = 150 * time.Millisecond
	rateWeight  = 0.3 // EWMA weight of a new rate sample
	maxSamples  = 1 << 16
)

// source is one source of a fetch.
type source struct {
	name string
	cl   *Client

	// guarded by sched.mu
	inflight map[uint32]*chunk
	inBytes  int64 // bytes of the chunks in inflight
	// lastRead is when bytes last came from the source (UnixNano).
	lastRead *atomic.Int64
	// reserve: the origin when mirrors hold the generation; it serves
	// only chunks no live mirror can (offloading it is the point).
	reserve bool
	dead    bool
	banned  bool
	reason  string
	chunks  int
	bytes   int64
	first   time.Time // first request
	last    time.Time // last completion
	rate    float64   // bytes a second, EWMA
	dupWins int       // endgame duplicates it won
}

// hasRoom reports whether src may take another request: fewer than
// maxDepth in flight, and fewer bytes than depthWindow of its measured
// rate (at least minInflight), so a fast source has enough in flight to
// never idle for a round trip and a slow one does not hoard chunks.
func (s *source) hasRoom() bool {
	return len(s.inflight) < maxDepth && s.inBytes < max(minInflight, int64(s.rate*depthWindow.Seconds()))
}

// remove forgets request id (chunk c) at s; guarded by sched.mu.
func (s *source) remove(id uint32, c *chunk) {
	if _, ok := s.inflight[id]; ok {
		delete(s.inflight, id)
		s.inBytes -= int64(c.len)
	}
}

// holder is one copy of a chunk in flight.
type holder struct {
	id   uint32
	sent time.Time
}

// chunk is one chunk the destination lacks.
type chunk struct {
	f        *fileJob
	idx      int
	hash     Hash
	len      int
	holders  map[*source]holder
	excluded map[*source]bool // sources that could not serve it
	done     bool
}

// sched is the state shared by the sources of one fetch.
type sched struct {
	gen     Hash
	timeout time.Duration
	now     func() time.Time
	// noEndgame (tests) never duplicates a request.
	noEndgame bool

	mu        sync.Mutex // guards the fields that follow
	cond      *sync.Cond
	queue     []*chunk
	sources   []*source
	nextID    uint32
	planned   bool // every chunk has been queued
	over      bool // the fetch is finished or failed
	openFiles int
	err       error // fatal: no source left
	// measurements: bytes queued and written, chunk times (request to
	// verified reply), when 99% of the bytes were in
	totalBytes, doneBytes int64
	samples               []time.Duration
	tailStart, lastDone   time.Time
	// fileDone is called (without mu) when a file's last chunk is written
	// or the file failed.
	fileDone func(f *fileJob)
}

func newSched(gen Hash, timeout time.Duration) *sched {
	s := &sched{gen: gen, timeout: timeout, now: time.Now}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// add queues the missing chunks of f.
func (s *sched) add(cs []*chunk) {
	s.mu.Lock()
	s.queue = append(s.queue, cs...)
	for _, c := range cs {
		s.totalBytes += int64(c.len)
	}
	s.mu.Unlock()
	s.cond.Broadcast()
}

// next blocks until src may send a request, and returns the chunk and the
// request id; nil when src is dead or the fetch is over.
func (s *sched) next(src *source) (*chunk, uint32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if src.dead || s.over {
			return nil, 0
		}
		if src.hasRoom() {
			if c := s.take(src); c != nil {
				return c, s.assign(src, c)
			}
		}
		s.cond.Wait()
	}
}

// take removes and returns the first queued chunk src may serve; in the
// endgame, a chunk in flight at another source.
func (s *sched) take(src *source) *chunk {
	for i := 0; i < len(s.queue); i++ {
		c := s.queue[i]
		if c.done || c.f.failed() {
			if i == 0 {
				s.queue[0] = nil
				s.queue = s.queue[1:]
			} else {
				s.queue = append(s.queue[:i], s.queue[i+1:]...)
			}
			i--
			continue
		}
		if !c.excluded[src] && (!src.reserve || !s.mirrorCan(c)) {
			if i == 0 {
				s.queue[0] = nil
				s.queue = s.queue[1:] // the usual case, without copying the queue
			} else {
				s.queue = append(s.queue[:i], s.queue[i+1:]...)
			}
			return c
		}
	}
	if !s.planned || len(s.queue) > 0 || s.noEndgame || src.reserve {
		return nil
	}
	// Endgame: the oldest request of another source, not yet duplicated.
	var best *chunk
	var bestSent time.Time
	for _, o := range s.sources {
		if o == src || o.dead {
			continue
		}
		for _, c := range o.inflight {
			if c.done || len(c.holders) != 1 || c.excluded[src] {
				continue
			}
			if h := c.holders[o]; best == nil || h.sent.Before(bestSent) {
				best, bestSent = c, h.sent
			}
		}
	}
	return best
}

// mirrorCan reports whether a live source other than a reserve may serve c.
func (s *sched) mirrorCan(c *chunk) bool {
	for _, o := range s.sources {
		if !o.reserve && !o.dead && !c.excluded[o] {
			return true
		}
	}
	return false
}

func (s *sched) assign(src *source, c *chunk) uint32 {
	s.nextID++
	if s.nextID == 0 {
		s.nextID++ // 0 is the keepalive's
	}
	id := s.nextID
	now := s.now()
	if c.holders == nil {
		c.holders = map[*source]holder{}
	}
	c.holders[src] = holder{id: id, sent: now}
	src.inflight[id] = c
	src.inBytes += int64(c.len)
	if src.first.IsZero() {
		src.first = now
	}
	return id
}

// lookup returns the chunk of request id at src, nil if it was cancelled.
func (s *sched) lookup(src *source, id uint32) *chunk {
	s.mu.Lock()
	defer s.mu.Unlock()
	return src.inflight[id]
}

// complete records the verified data of request id at src and returns
// whether the caller must write it (false: another copy won), and the
// duplicates to cancel.
func (s *sched) complete(src *source, id uint32, c *chunk) (bool, map[*source]holder) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.cond.Broadcast()
	if src.inflight[id] != c {
		return false, nil
	}
	h := c.holders[src]
	src.remove(id, c)
	delete(c.holders, src)
	now := s.now()
	start := h.sent
	if src.last.After(start) {
		start = src.last
	}
	if el := now.Sub(start).Seconds(); el > 0 {
		sample := float64(c.len) / el
		if src.rate == 0 {
			src.rate = sample
		} else {
			src.rate += rateWeight * (sample - src.rate)
		}
	}
	src.last = now
	if c.done {
		return false, nil
	}
	c.done = true
	src.chunks++
	src.bytes += int64(c.len)
	if len(c.holders) > 0 {
		src.dupWins++
	}
	others := c.holders
	for o, oh := range others {
		o.remove(oh.id, c)
	}
	c.holders = nil
	s.doneBytes += int64(c.len)
	s.lastDone = now
	if len(s.samples) < maxSamples {
		s.samples = append(s.samples, now.Sub(h.sent))
	}
	if s.tailStart.IsZero() && s.planned && s.totalBytes-s.doneBytes <= max(s.totalBytes/100, ChunkSize) {
		s.tailStart = now
	}
	return true, others
}

// written counts a written chunk against its file; the last one finishes
// the file.
func (s *sched) written(c *chunk) {
	s.mu.Lock()
	c.f.left--
	last := c.f.left == 0
	s.mu.Unlock()
	if last {
		s.finishFile(c.f)
	}
}

// finishFile hands a file that is complete or failed to fileDone.
func (s *sched) finishFile(f *fileJob) {
	if !f.finish() {
		return
	}
	s.fileDone(f)
	s.mu.Lock()
	s.openFiles--
	s.mu.Unlock()
	s.cond.Broadcast()
}

// failed handles FAIL for request id at src.
func (s *sched) failed(src *source, id uint32, code uint16, msg string) {
	if code == FailNotHeld {
		s.drop(src, false, fmt.Sprintf("no longer holds generation %x", s.gen[:8]))
		return
	}
	s.mu.Lock()
	c := src.inflight[id]
	if c == nil {
		s.mu.Unlock()
		return
	}
	src.remove(id, c)
	delete(c.holders, src)
	if c.excluded == nil {
		c.excluded = map[*source]bool{}
	}
	c.excluded[src] = true
	f := s.requeue(c, fmt.Errorf("chunk %d: %s: %s", c.idx, src.name, msg))
	s.mu.Unlock()
	s.cond.Broadcast()
	if f != nil {
		s.finishFile(f)
	}
}

// requeue puts a chunk no copy of which is in flight back at the front of
// the queue, or, when no live source may serve it, fails its file (which
// it returns, for finishFile without mu).
func (s *sched) requeue(c *chunk, why error) *fileJob {
	if c.done || len(c.holders) > 0 {
		return nil
	}
	for _, o := range s.sources {
		if !o.dead && !c.excluded[o] {
			s.queue = append([]*chunk{c}, s.queue...)
			return nil
		}
	}
	if c.f.fail(fmt.Errorf("no source could serve it (last: %w)", why)) {
		return c.f
	}
	return nil
}

// drop ends a source: banned for a chunk that failed verification, or
// dropped (stalled, gone). Its chunks go back to the queue.
func (s *sched) drop(src *source, banned bool, reason string) {
	s.mu.Lock()
	if src.dead {
		s.mu.Unlock()
		return
	}
	src.dead, src.banned, src.reason = true, banned, reason
	var failedFiles []*fileJob
	for id, c := range src.inflight {
		src.remove(id, c)
		delete(c.holders, src)
		if f := s.requeue(c, errors.New(reason)); f != nil {
			failedFiles = append(failedFiles, f)
		}
	}
	live := 0
	for _, o := range s.sources {
		if !o.dead {
			live++
		}
	}
	if live == 0 && s.err == nil && !s.over {
		s.err = fmt.Errorf("%w (last: %s: %s)", ErrNoSource, src.name, reason)
	}
	s.mu.Unlock()
	src.cl.Close()
	s.cond.Broadcast()
	for _, f := range failedFiles {
		s.finishFile(f)
	}
}

// ErrNoSource ends a fetch whose every source was dropped or banned.
var ErrNoSource = errors.New("ferry: no swarm source left")

// run serves src until it is dead or the fetch is over.
func (s *sched) run(src *source, wg *sync.WaitGroup) {
	wg.Go(func() {
		var batch []chunkReq
		for {
			c, id := s.next(src)
			if c == nil {
				return
			}
			// Whatever else src has room for goes in the same write: a
			// tree of small files is many short requests.
			batch := append(batch[:0], s.req(c, id))
			s.mu.Lock()
			for len(batch) < maxBatch && !src.dead && !s.over && src.hasRoom() {
				c := s.take(src)
				if c == nil {
					break
				}
				batch = append(batch, s.req(c, s.assign(src, c)))
			}
			s.mu.Unlock()
			if err := src.cl.request(batch...); err != nil {
				s.drop(src, false, "send: "+err.Error())
				return
			}
		}
	})
	wg.Go(func() { s.read(src) })
}

// req is the request for chunk c with id.
func (s *sched) req(c *chunk, id uint32) chunkReq {
	return chunkReq{ID: id, Gen: s.gen, Index: uint32(c.idx), Length: uint32(c.len), Hash: c.hash, Path: c.f.src}
}

// read receives src's replies, verifies each chunk against its hash and
// writes it; a chunk that does not verify bans the source.
func (s *sched) read(src *source) {
	for {
		r, err := src.cl.readReply()
		if err != nil {
			s.mu.Lock()
			over := s.over
			s.mu.Unlock()
			if !over {
				s.drop(src, false, err.Error())
			}
			return
		}
		if r.fail != nil {
			s.failed(src, r.id, r.fail.Code, r.fail.Message)
			continue
		}
		if !s.chunk(src, r) {
			return
		}
	}
}

// chunk handles a CHUNK reply: verified, written, counted; false when
// it banned the source. The reply's buffer is given back.
func (s *sched) chunk(src *source, r reply) bool {
	defer putChunkBuf(r)
	c := s.lookup(src, r.id)
	if c == nil {
		return true // a cancelled duplicate
	}
	if len(r.data) != c.len || ChunkHash(r.data) != c.hash {
		s.drop(src, true, fmt.Sprintf("chunk %d of %s failed verification", c.idx, c.f.src))
		return false
	}
	win, others := s.complete(src, r.id, c)
	for o, h := range others {
		o.cl.cancel(h.id)
	}
	if !win {
		return true
	}
	if err := c.f.write(r.data, int64(c.idx)*ChunkSize); err != nil {
		if c.f.fail(err) {
			s.finishFile(c.f)
		}
		return true
	}
	s.written(c)
	return true
}

// watch drops a source that received nothing for the timeout while it had
// requests in flight all that time (checked every quarter of the
// timeout), until the fetch is over.
func (s *sched) watch(done <-chan struct{}) {
	tick := time.NewTicker(max(s.timeout/4, 10*time.Millisecond))
	defer tick.Stop()
	keep := time.NewTicker(keepaliveEvery)
	defer keep.Stop()
	for {
		select {
		case <-done:
			return
		case <-keep.C:
			s.keepalive()
			continue
		case <-tick.C:
		}
		now := s.now()
		var stalled []*source
		s.mu.Lock()
		for _, src := range s.sources {
			if src.dead || len(src.inflight) == 0 {
				continue
			}
			var oldest time.Time
			for _, c := range src.inflight {
				if h := c.holders[src]; oldest.IsZero() || h.sent.Before(oldest) {
					oldest = h.sent
				}
			}
			if last := time.Unix(0, src.lastRead.Load()); last.After(oldest) {
				oldest = last
			}
			if now.Sub(oldest) >= s.timeout {
				stalled = append(stalled, src)
			}
		}
		s.mu.Unlock()
		for _, src := range stalled {
			s.drop(src, false, fmt.Sprintf("stalled: nothing received for %v", s.timeout))
		}
	}
}

// keepaliveEvery is how often a source with nothing in flight is sent a
// keepalive: CANCEL of id 0, never a request's, which a server reads and
// does not answer. The origin held as a reserve may get no request for a
// whole fetch; without it, the daemon's idle timeout would close it (the
// client losing its reserve, the origin's count of fetchers dropping).
var keepaliveEvery = 15 * time.Second

// keepalive sends the keepalive to every live source with nothing in
// flight.
func (s *sched) keepalive() {
	s.mu.Lock()
	var idle []*source
	for _, src := range s.sources {
		if !src.dead && len(src.inflight) == 0 {
			idle = append(idle, src)
		}
	}
	s.mu.Unlock()
	for _, src := range idle {
		src.cl.cancel(0) // a failure shows in the source's reader
	}
}

// activityConn records when bytes last arrived.
type activityConn struct {
	net.Conn
	last *atomic.Int64
}

func (c activityConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.last.Store(time.Now().UnixNano())
	}
	return n, err
}
