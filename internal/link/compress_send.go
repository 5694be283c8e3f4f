package link

import (
	"slices"

	"github.com/ferrysync/ferry/internal/wire"
)

// Compression decisions on the sending side. Data of a file whose name is
// in the skip list goes uncompressed; so does the rest of a file whose
// first chunks compressed poorly, and any message whose compressed form is
// not smaller. The file a Data message belongs to is known from the
// FileRequest the reader saw (track) until its FileEnd or FileError.

// Ratio gate: after gateTries compressed messages of one file (or of the
// entry stream), compression stops for it when the output exceeded
// gateRatio of the input.
const (
	gateTries = 2
	gateRatio = 0.9
)

// zstate is one file's (or the entry stream's) compression record.
type zstate struct {
	off     bool  // send the rest uncompressed
	tries   int   // messages compressed so far
	in, out int64 // their raw and compressed bytes
}

// record adds one attempt and closes the gate on a poor ratio.
func (st *zstate) record(in, out int) {
	st.tries++
	st.in += int64(in)
	st.out += int64(out)
	if st.tries >= gateTries && float64(st.out) > gateRatio*float64(st.in) {
		st.off = true
	}
}

// track notes a file request read from the peer: its data will be
// compressed unless its name is in the skip list. Called by the reader.
func (z *compression) track(req *wire.FileRequest) {
	st := &zstate{off: z.skips(req.Path)}
	z.mu.Lock()
	if z.files == nil {
		z.files = make(map[uint64]*zstate)
	}
	z.files[req.ID] = st
	z.mu.Unlock()
}

// state returns the record a message of type t for file id counts
// against, or nil when it is not to be compressed.
func (z *compression) state(m wire.Message) *zstate {
	z.mu.Lock()
	defer z.mu.Unlock()
	var st *zstate
	switch m := m.(type) {
	case *wire.Data:
		st = z.files[m.ID]
	case *wire.Entries:
		st = &z.entries
	case *wire.FileEnd:
		delete(z.files, m.ID)
	case *wire.FileError:
		if m.ID != 0 {
			delete(z.files, m.ID)
		}
	}
	if st == nil || st.off {
		return nil
	}
	return st
}

// compress is the connection's send hook: it returns m, or a Compressed
// message carrying it when that is worth it. It runs on the sending
// goroutine before the write lock is taken.
func (c *Link) compress(m wire.Message) wire.Message {
	z := c.z
	if z == nil {
		return m
	}
	st := z.state(m)
	if st == nil {
		return m
	}
	enc, err := z.encoder()
	if err != nil {
		return m
	}
	zm := enc.Compress(m, nil)
	if zm == nil {
		return m
	}
	z.mu.Lock()
	st.record(int(zm.RawLen), len(zm.Z))
	z.mu.Unlock()
	if uint64(len(zm.Z))+8 >= zm.RawLen {
		return m
	}
	return zm
}

// CompressOffer is a side's compression settings before the handshake.
type CompressOffer struct {
	Level  int
	Skip   []string
	Client bool // send CompressOptions after Run
}

// Caps returns the capabilities the offer adds to the Hello.
func (o *CompressOffer) Caps() []string {
	if o == nil {
		return nil
	}
	return []string{wire.CapZstd}
}

// Negotiate sets up c's compression when the capability was agreed.
func (c *Link) Negotiate(o *CompressOffer, caps []string) error {
	if o == nil || !slices.Contains(caps, wire.CapZstd) {
		return nil
	}
	z, err := newCompression(o.Level, o.Skip)
	if err != nil {
		return err
	}
	c.z = z
	return nil
}

// SendCompressOptions tells the server the client's settings (client
// side, right after Run).
func (c *Link) SendCompressOptions(o *CompressOffer) error {
	if c.z == nil || o == nil || !o.Client {
		return nil
	}
	return c.Send(c.z.options())
}
