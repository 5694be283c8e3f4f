package swarm

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// ServeOptions configure the swarm service of one connection.
type ServeOptions struct {
	Store Store
	// Root is the module directory; chunks are read through it only.
	Root *os.Root
	// Registry, on an origin, takes mirror registrations (Authorize must
	// accept them) and answers GET_MIRRORS; nil: neither is offered.
	Registry *Registry
	// Authorize checks a registration's MAC over RegMessage for user.
	Authorize func(user string, msg []byte, mac [32]byte) bool

	// tamper, a test's fault switch, may change or hold a chunk after it
	// was read and checked, making a corrupt or stalled source.
	tamper func(ctx context.Context, req *chunkReq, data []byte)
	// wrap, for tests, wraps the connection (an idle timeout).
	wrap func(net.Conn) net.Conn
}

// Serve runs the swarm service on conn after READY: HELLO, INFO, then
// requests until the client closes the connection. Requests are answered
// in order; at most MaxOutstanding wait.
func Serve(ctx context.Context, conn net.Conn, o ServeOptions) error {
	if o.wrap != nil {
		conn = o.wrap(conn)
	}
	t, b, err := readFrame(conn, maxClientFrame)
	if err != nil {
		return err
	}
	if t != msgHello {
		return fmt.Errorf("%w: %s before SWARM_HELLO", ErrProtocol, t)
	}
	d := dec{t: msgHello, b: b}
	decodeCaps(&d)
	if err := d.done(); err != nil {
		return err
	}
	g, err := o.Store.Current(ctx)
	if err != nil {
		return err
	}
	caps := []string{CapManifest, CapChunks}
	if o.Registry != nil {
		caps = append(caps, CapRegistry, CapFetchers)
	}
	info := Info{Caps: caps, Kind: o.Store.Kind(), Generation: g.ID, Size: g.Size}
	copy(info.Key[:], o.Store.Key())
	if _, err := conn.Write(frame(msgInfo, info.marshal())); err != nil {
		return err
	}
	// Replies are buffered and flushed when no request waits, so that
	// the small chunks of a tree of small files go out many to a write
	// (and the client reads them many to a read); requests are read
	// through a buffer for the same reason.
	s := &server{o: o, conn: conn, w: bufio.NewWriterSize(conn, replyBuffer), cancelled: map[uint32]bool{}}
	defer s.endFetch()
	defer s.closeDir()
	reqs := make(chan request, MaxOutstanding)
	ordered := make(chan request, MaxOutstanding)
	bud := newBudget()
	var rerr error
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		rerr = s.readRequests(reqs)
		close(reqs)
		if !errors.Is(rerr, io.EOF) {
			cancel() // the client is gone: stop work on its behalf
		}
	}()
	go s.readAhead(reqs, ordered, bud)
	for r := range ordered {
		err := s.answer(ctx, r, bud)
		if err == nil && len(ordered) == 0 {
			err = s.w.Flush()
		}
		if err != nil {
			conn.Close()
			bud.close()
			for r := range ordered {
				if r.pre != nil {
					r.pre.finish(bud)
				}
			}
			return err
		}
	}
	if errors.Is(rerr, io.EOF) {
		return nil
	}
	return rerr
}

// request is one queued request: a chunk, or another message (typ set).
type request struct {
	chunk    chunkReq
	manifest bool
	gen      Hash
	typ      msgType // msgRegBegin, msgRegister, msgGetMirrors
	payload  []byte
	pre      *prefetched // a chunk request's read, started ahead
}

// server is the state of one connection's service.
type server struct {
	o    ServeOptions
	conn net.Conn
	w    *bufio.Writer // replies, flushed when no request waits

	mu        sync.Mutex // guards cancelled
	cancelled map[uint32]bool

	nonce *[32]byte // of a registration

	// dir is the module directory, opened once (dirOnce) for chunk
	// reads below it (dirfd); noOpenat2: the kernel refused openat2.
	dirOnce   sync.Once
	dir       *os.File
	dirfd     int
	noOpenat2 atomic.Bool

	// fetching is the generation whose manifest this connection took
	// (an origin's: it counts the connection as a fetcher until it ends).
	fetching *Hash

	// held is the generation a chunk request last found held, and when
	// (heldFor): a store's Holds stats the manifest's file, which cost a
	// mirror about a tenth of its CPU when it asked for every chunk.
	held atomic.Pointer[heldGen]
}

// heldFor is how long a chunk request trusts that the generation the
// last one found held still is.
const heldFor = time.Second

type heldGen struct {
	gen Hash
	at  time.Time
}

// holds reports whether the store holds generation gen, asking it at most
// once per heldFor for the same generation.
func (s *server) holds(gen Hash) bool {
	now := time.Now()
	if h := s.held.Load(); h != nil && h.gen == gen && now.Sub(h.at) < heldFor {
		return true
	}
	if _, ok := s.o.Store.Holds(gen); !ok {
		return false
	}
	s.held.Store(&heldGen{gen: gen, at: now})
	return true
}

// readRequests reads frames into reqs until EOF or an error; CANCEL marks
// a queued request.
func (s *server) readRequests(reqs chan<- request) error {
	br := bufio.NewReaderSize(s.conn, requestBuffer)
	for {
		t, b, err := readFrame(br, maxClientFrame)
		if err != nil {
			return err
		}
		switch t {
		case msgGetManifest:
			d := dec{t: t, b: b}
			g := d.hash()
			if err := d.done(); err != nil {
				return err
			}
			reqs <- request{manifest: true, gen: g}
		case msgGetChunk:
			var r chunkReq
			if err := r.unmarshal(b); err != nil {
				return err
			}
			reqs <- request{chunk: r}
		case msgRegBegin, msgRegister, msgGetMirrors, msgGetFetchers:
			reqs <- request{typ: t, payload: b}
		case msgCancel:
			if len(b) != 4 {
				return fmt.Errorf("%w: CANCEL of %d bytes", ErrProtocol, len(b))
			}
			s.mu.Lock()
			if len(s.cancelled) < 4*MaxOutstanding {
				s.cancelled[binary.BigEndian.Uint32(b)] = true
			}
			s.mu.Unlock()
		default:
			return fmt.Errorf("%w: unexpected %s", ErrProtocol, t)
		}
	}
}

func (s *server) answer(ctx context.Context, r request, b *budget) error {
	if r.manifest {
		return s.sendManifest(r.gen)
	}
	if r.typ != 0 {
		return s.registry(r.typ, r.payload)
	}
	p := r.pre
	if p == nil {
		return nil // cancelled before its read began
	}
	defer p.finish(b)
	if s.isCancelled(r.chunk.ID) {
		return nil
	}
	select {
	case <-p.done:
	default:
		// Send what is ready while the read goes on.
		if err := s.w.Flush(); err != nil {
			return err
		}
		<-p.done
	}
	data, code, msg := p.data, p.code, p.msg
	if code != 0 {
		_, err := s.w.Write(frame(msgFail, failMsg{ID: r.chunk.ID, Code: code, Message: msg}.marshal()))
		return err
	}
	if s.o.tamper != nil {
		s.o.tamper(ctx, &r.chunk, data)
	}
	// Header and data without copying the data into one buffer.
	var hdr [9]byte
	hdr[0] = byte(msgChunk)
	binary.BigEndian.PutUint32(hdr[1:], uint32(4+len(data)))
	binary.BigEndian.PutUint32(hdr[5:], r.chunk.ID)
	if _, err := s.w.Write(hdr[:]); err != nil {
		return err
	}
	_, err := s.w.Write(data)
	return err
}

// sendManifest streams a held manifest: MANIFEST(size), then its bytes in
// MANIFEST_DATA frames; FAIL (ID 0) when the generation is not held.
func (s *server) sendManifest(gen Hash) error {
	g, ok := s.o.Store.Holds(gen)
	var f *os.File
	var err error
	if ok {
		f, err = os.Open(g.File)
	}
	if !ok || err != nil {
		_, err := s.w.Write(frame(msgFail, failMsg{Code: FailNotHeld, Message: "generation not held"}.marshal()))
		return err
	}
	defer f.Close()
	s.startFetch(gen)
	var e enc
	e.u64(uint64(g.Size))
	if _, err := s.w.Write(frame(msgManifest, e.b)); err != nil {
		return err
	}
	buf := make([]byte, manifestDataSize)
	for left := g.Size; left > 0; {
		n, err := io.ReadFull(f, buf[:min(left, manifestDataSize)])
		if err != nil {
			return fmt.Errorf("read manifest %s: %w", g.File, err)
		}
		if _, err := s.w.Write(frame(msgManifestData, buf[:n])); err != nil {
			return err
		}
		left -= int64(n)
	}
	return nil
}

// readChunk reads and checks a requested chunk; a non-zero code says why
// it cannot be served. A source never sends data that does not match the
// hash asked for, so an honest source whose file changed answers
// FailChanged instead of being taken for a corrupt one.
func (s *server) readChunk(r *chunkReq, buf []byte) ([]byte, uint16, string) {
	if !s.holds(r.Gen) {
		return nil, FailNotHeld, "generation not held"
	}
	if err := validPath(r.Path); err != nil {
		return nil, FailBad, err.Error()
	}
	if r.Length > ChunkSize {
		return nil, FailBad, "chunk longer than the chunk size"
	}
	data := buf[:r.Length]
	n, err := s.readFileAt(r.Path, data, int64(r.Index)*ChunkSize)
	if n != len(data) {
		if errors.Is(err, io.EOF) {
			return nil, FailChanged, "file shorter than the chunk"
		}
		return nil, FailNotFound, "cannot read " + r.Path
	}
	if ChunkHash(data) != r.Hash {
		return nil, FailChanged, "chunk changed"
	}
	return data, 0, ""
}

// hasCaps reports whether caps holds every one of want.
func hasCaps(caps []string, want ...string) bool {
	for _, w := range want {
		if !slices.Contains(caps, w) {
			return false
		}
	}
	return true
}
