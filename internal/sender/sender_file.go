package sender

import (
	"errors"
	"fmt"
	"io"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/delta"
	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
	"github.com/zeebo/blake3"
)

// chunkSize is the literal data per Data message.
const chunkSize = 128 << 10

// worker serves queued file requests until the sender closes.
func (s *Engine) worker() {
	defer s.workers.Done()
	h := blake3.New()
	buf := make([]byte, chunkSize)
	var dc dirCache
	defer dc.close()
	for {
		s.mu.Lock()
		for len(s.queue) == 0 && !s.closed {
			s.work.Wait()
		}
		if s.closed {
			s.mu.Unlock()
			return
		}
		r := s.queue[0]
		s.queue[0] = nil
		s.queue = s.queue[1:]
		s.mu.Unlock()

		if err := s.serve(r, &dc, h, buf); err != nil {
			s.Link.Abort(err)
			return
		}
	}
}

// serve answers one request: Data messages and FileEnd, or a FileError.
// Only connection errors are returned.
func (s *Engine) serve(r *request, dc *dirCache, h *blake3.Hasher, buf []byte) error {
	defer s.release(r)
	f, err := s.openRequested(dc, r.Path)
	if err != nil {
		return s.fileFailed(r, "open", err)
	}
	defer f.Close()
	s.started(r, f.size) // progress hook (totals.go)
	withDelta := r.Flags&wire.ReqBasis != 0 && r.Flags&wire.ReqRedo == 0 && len(r.weak) > 0
	if !withDelta && s.Link.Negotiated().Handoff { // handoff hook (handoff.go)
		return s.handOff(r, f)
	}
	fh := s.FileHash(h, f.size)
	defer role.StopHash(fh)
	var n, literal, matched int64
	if withDelta {
		sig, serr := s.signature(r)
		if serr != nil {
			return fmt.Errorf("%w: request %d: %w", role.ErrProtocol, r.ID, serr)
		}
		out := &dataWriter{s: s, id: r.ID}
		cr := &countReader{r: io.TeeReader(f, fh)}
		if s.Link.Negotiated().Refine { // refine hook (refine_sender.go)
			cr.n, err = s.refineDelta(r, sig, f.readerAt(), cr.r, out)
		} else {
			err = delta.Delta(sig, cr, out)
		}
		if err == nil {
			err = out.flush()
		}
		if out.connErr != nil {
			return out.connErr
		}
		n, literal, matched = cr.n, out.literal, out.matched
	} else {
		n, err = s.sendWhole(r.ID, f, fh, buf)
		if errors.Is(err, role.ErrConnDown) {
			return s.Link.Err()
		}
		literal = n
	}
	if err != nil {
		return s.fileFailed(r, "read", err)
	}
	s.mu.Lock()
	s.stats.LiteralBytes += uint64(literal)
	s.stats.MatchedBytes += uint64(matched)
	s.active-- // before FileEnd: the receiver may reuse the slot at once
	s.mu.Unlock()
	return s.Link.Send(&wire.FileEnd{ID: r.ID, Size: n, Sum: fh.Sum(nil)})
}

// sendWhole sends the whole file as literal data, reading up to the size
// it had when opened (or to its end, if it shrank). A connection failure
// is errConnDown; anything else is a read error.
func (s *Engine) sendWhole(id uint64, f *srcFile, h io.Writer, buf []byte) (int64, error) {
	var n int64
	ops := make([]wire.Op, 1)
	for {
		want := buf
		if left := f.size - n; left > 0 && left < int64(len(buf)) {
			want = buf[:left]
		}
		k, rerr := f.Read(want)
		if k > 0 {
			n += int64(k)
			h.Write(buf[:k])
			// send encodes at once, so buf may be reused afterwards.
			ops[0] = wire.Op{Kind: wire.OpLiteral, Data: buf[:k]}
			if err := s.Link.Send(&wire.Data{ID: id, Ops: ops}); err != nil {
				return n, role.ErrConnDown
			}
		}
		if rerr == io.EOF || (rerr == nil && f.size > 0 && n >= f.size) {
			return n, nil // no read just to see the end of a file of known size
		}
		if rerr != nil {
			return n, rerr
		}
	}
}

// openRequested opens a requested path, refusing anything the walk would
// not have sent: invalid or excluded paths, paths outside the sources,
// and anything but a regular file.
func (s *Engine) openRequested(dc *dirCache, p string) (*srcFile, error) {
	if err := tree.ValidPath(p); err != nil || p == "." {
		return nil, fmt.Errorf("%w: bad request path %q", role.ErrProtocol, p)
	}
	if excluded(s.filter, p, false) {
		return nil, fmt.Errorf("%w: request for excluded path %q", role.ErrProtocol, p)
	}
	var firstErr error
	for _, src := range s.srcs {
		if !src.covers(p) {
			continue
		}
		f, err := dc.open(src, p, s.Cfg.Follow().Any())
		if err != nil {
			if errors.Is(err, tree.ErrChanged) {
				return nil, err
			}
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		return f, nil
	}
	if firstErr == nil {
		firstErr = fmt.Errorf("%w: request for %q outside the sources", role.ErrProtocol, p)
	}
	return nil, firstErr
}

// fileFailed reports a per-file failure to the receiver.
func (s *Engine) fileFailed(r *request, op string, err error) error {
	code := role.ErrCode(err)
	if errors.Is(err, role.ErrProtocol) {
		code = wire.ErrCodeProtocol
	}
	fe := &role.FileError{Op: op, Path: r.Path, Code: code, Err: err}
	s.mu.Lock()
	s.stats.Errors++
	s.active-- // before FileError: the receiver may reuse the slot at once
	s.mu.Unlock()
	if s.Client {
		s.Emit(role.Event{Kind: role.EventError, Path: r.Path, Err: fe})
	}
	return s.Link.Send(role.ToWireError(r.ID, fe))
}

// signature rebuilds the receiver's signature of a request.
func (s *Engine) signature(r *request) (*delta.Signature, error) {
	p := delta.FerryParams(r.BasisSize, s.Cfg.Seed)
	p.BlockLen, p.StrongLen = int(r.BlockLen), int(r.StrongLen)
	p.Workers = 1
	sig, err := delta.NewSignature(p)
	if err != nil {
		return nil, err
	}
	sig.Blocks = make([]delta.Block, 0, len(r.weak))
	sl := int(r.StrongLen)
	for i, w := range r.weak {
		off := int64(i) * int64(r.BlockLen)
		n := min(int64(r.BlockLen), r.BasisSize-off)
		if n <= 0 {
			return nil, fmt.Errorf("block %d beyond the %d-byte basis", i, r.BasisSize)
		}
		if err := sig.Append(delta.Block{Offset: off, Len: int(n), Weak: w}, r.strong[i*sl:(i+1)*sl]); err != nil {
			return nil, err
		}
	}
	return sig, nil
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// dataWriter turns delta operations into Data messages of bounded size.
type dataWriter struct {
	s                *Engine
	id               uint64
	ops              []wire.Op
	lit              int
	literal, matched int64
	connErr          error
}

func (d *dataWriter) Copy(off, n int64) error {
	d.matched += n
	d.ops = append(d.ops, wire.Op{Kind: wire.OpCopy, Offset: off, Length: n})
	if len(d.ops) >= 4096 {
		return d.flush()
	}
	return nil
}

func (d *dataWriter) Literal(p []byte) error {
	d.literal += int64(len(p))
	for len(p) > 0 {
		k := min(len(p), chunkSize-d.lit)
		d.ops = append(d.ops, wire.Op{Kind: wire.OpLiteral, Data: append([]byte(nil), p[:k]...)})
		d.lit += k
		p = p[k:]
		if d.lit >= chunkSize {
			if err := d.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d *dataWriter) flush() error {
	if len(d.ops) == 0 {
		return nil
	}
	m := &wire.Data{ID: d.id, Ops: d.ops}
	d.ops, d.lit = nil, 0
	if err := d.s.Link.Send(m); err != nil {
		d.connErr = err
		return err
	}
	return nil
}
