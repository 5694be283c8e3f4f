package transport

import (
	"io"
	"sync"
)

// Pipe returns the two ends of an in-process full-duplex connection. Each
// direction buffers at most size bytes (at least 1): a writer blocks while
// its direction is full, which lets tests reproduce full OS pipes with tiny
// buffers.
func Pipe(size int) (Conn, Conn) {
	ab := newHalf(size)
	ba := newHalf(size)
	return &pipeEnd{r: ba, w: ab}, &pipeEnd{r: ab, w: ba}
}

type pipeEnd struct {
	r, w *half
}

func (p *pipeEnd) Read(b []byte) (int, error)  { return p.r.read(b) }
func (p *pipeEnd) Write(b []byte) (int, error) { return p.w.write(b) }

// CloseWrite ends this side's writing: the peer reads EOF after the
// buffered data. Reading goes on.
func (p *pipeEnd) CloseWrite() error {
	p.w.closeWrite()
	return nil
}

// Close ends this side's writing (the peer reads EOF after the buffered
// data) and makes the peer's writes fail.
func (p *pipeEnd) Close() error {
	p.w.closeWrite()
	p.r.closeRead()
	return nil
}

// half is one direction: a bounded ring buffer.
type half struct {
	// mu guards the fields that follow.
	mu       sync.Mutex
	cond     sync.Cond
	buf      []byte
	start, n int
	wclosed  bool // no more writes: reads drain then see EOF
	rclosed  bool // the reader is gone: writes fail
}

func newHalf(size int) *half {
	h := &half{buf: make([]byte, max(size, 1))}
	h.cond.L = &h.mu
	return h
}

func (h *half) read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for h.n == 0 {
		if h.wclosed || h.rclosed {
			return 0, io.EOF
		}
		h.cond.Wait()
	}
	total := 0
	for h.n > 0 && len(b) > 0 {
		end := min(h.start+h.n, len(h.buf))
		c := copy(b, h.buf[h.start:end])
		b = b[c:]
		h.start = (h.start + c) % len(h.buf)
		h.n -= c
		total += c
	}
	if h.n == 0 {
		h.start = 0
	}
	h.cond.Broadcast()
	return total, nil
}

func (h *half) write(b []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	total := 0
	for len(b) > 0 {
		for h.n == len(h.buf) && !h.rclosed && !h.wclosed {
			h.cond.Wait()
		}
		if h.rclosed || h.wclosed {
			return total, io.ErrClosedPipe
		}
		end := (h.start + h.n) % len(h.buf)
		room := len(h.buf) - h.n
		if end+room > len(h.buf) {
			room = len(h.buf) - end
		}
		c := copy(h.buf[end:end+room], b)
		h.n += c
		b = b[c:]
		total += c
		h.cond.Broadcast()
	}
	return total, nil
}

func (h *half) closeWrite() {
	h.mu.Lock()
	h.wclosed = true
	h.cond.Broadcast()
	h.mu.Unlock()
}

func (h *half) closeRead() {
	h.mu.Lock()
	h.rclosed = true
	h.cond.Broadcast()
	h.mu.Unlock()
}
