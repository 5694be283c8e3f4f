package swarm

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"sync"
)

// Client is a client's connection to one source's swarm service, after
// OPEN with role swarm and READY.
type Client struct {
	conn net.Conn
	r    *bufio.Reader // everything after INFO is read through it
	Info Info

	wmu sync.Mutex // serializes writes
}

// NewClient sends HELLO and reads INFO on conn.
func NewClient(ctx context.Context, conn net.Conn) (*Client, error) {
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	var e enc
	encodeCaps(&e, []string{CapManifest, CapChunks})
	if _, err := conn.Write(frame(msgHello, e.b)); err != nil {
		return nil, err
	}
	t, b, err := readFrame(conn, maxServerFrame)
	if err != nil {
		return nil, err
	}
	if t != msgInfo {
		return nil, fmt.Errorf("%w: got %s, want SWARM_INFO", ErrProtocol, t)
	}
	c := &Client{conn: conn, r: bufio.NewReaderSize(conn, replyBuffer)}
	if err := c.Info.unmarshal(b); err != nil {
		return nil, err
	}
	if !hasCaps(c.Info.Caps, CapManifest, CapChunks) {
		return nil, fmt.Errorf("%w: source lacks %s or %s", ErrProtocol, CapManifest, CapChunks)
	}
	return c, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// Manifest fetches generation gen's manifest into w (at most max bytes)
// and returns its size. Call it before any chunk request.
func (c *Client) Manifest(ctx context.Context, gen Hash, w io.Writer, max int64) (int64, error) {
	stop := context.AfterFunc(ctx, func() { c.conn.Close() })
	defer stop()
	if err := c.write(frame(msgGetManifest, gen[:])); err != nil {
		return 0, err
	}
	t, b, err := readFrame(c.r, maxServerFrame)
	if err != nil {
		return 0, err
	}
	if t == msgFail {
		var f failMsg
		if err := f.unmarshal(b); err != nil {
			return 0, err
		}
		return 0, fmt.Errorf("source refused the manifest: %s", f.Message)
	}
	if t != msgManifest || len(b) != 8 {
		return 0, fmt.Errorf("%w: got %s, want MANIFEST", ErrProtocol, t)
	}
	size := int64(binary.BigEndian.Uint64(b))
	if size < TrailerSize || size > max {
		return 0, fmt.Errorf("%w: manifest of %d bytes (max %d)", ErrProtocol, size, max)
	}
	for got := int64(0); got < size; {
		t, b, err := readFrame(c.r, manifestDataSize)
		if err != nil {
			return got, err
		}
		if t != msgManifestData || len(b) == 0 || got+int64(len(b)) > size {
			return got, fmt.Errorf("%w: %s of %d bytes in a manifest", ErrProtocol, t, len(b))
		}
		if _, err := w.Write(b); err != nil {
			return got, err
		}
		got += int64(len(b))
	}
	return size, nil
}

func (c *Client) write(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := c.conn.Write(b)
	return err
}

// request sends GET_CHUNK for each of rs in one write.
func (c *Client) request(rs ...chunkReq) error {
	var b []byte
	for _, r := range rs {
		b = append(b, frame(msgGetChunk, r.marshal())...)
	}
	return c.write(b)
}

// cancel sends CANCEL.
func (c *Client) cancel(id uint32) error {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], id)
	return c.write(frame(msgCancel, b[:]))
}

// reply is a CHUNK or FAIL.
type reply struct {
	id   uint32
	data []byte
	fail *failMsg
	buf  *[maxServerFrame]byte // the pooled buffer of data, or nil
}

// chunkBufs recycles the buffers CHUNK data is read into (putChunkBuf).
var chunkBufs = sync.Pool{New: func() any { return new([maxServerFrame]byte) }}

// putChunkBuf gives back the buffer of a reply's data once it is written.
func putChunkBuf(r reply) {
	if r.buf != nil {
		chunkBufs.Put(r.buf)
	}
}

// readReply reads the next CHUNK or FAIL; a CHUNK's data is in a pooled
// buffer (putChunkBuf).
func (c *Client) readReply() (reply, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(c.r, hdr[:]); err != nil {
		return reply{}, err
	}
	t, n := msgType(hdr[0]), binary.BigEndian.Uint32(hdr[1:])
	if uint64(n) > maxServerFrame {
		return reply{}, fmt.Errorf("%w: %s of %d bytes (max %d)", ErrProtocol, t, n, maxServerFrame)
	}
	var b []byte
	var buf *[maxServerFrame]byte
	if t == msgChunk {
		buf = chunkBufs.Get().(*[maxServerFrame]byte)
		b = buf[:n]
	} else {
		b = make([]byte, n)
	}
	if _, err := io.ReadFull(c.r, b); err != nil {
		if buf != nil {
			chunkBufs.Put(buf)
		}
		return reply{}, fmt.Errorf("read %s: %w", t, err)
	}
	switch t {
	case msgChunk:
		if len(b) < 4 {
			chunkBufs.Put(buf)
			return reply{}, fmt.Errorf("%w: short CHUNK", ErrProtocol)
		}
		return reply{id: binary.BigEndian.Uint32(b), data: b[4:], buf: buf}, nil
	case msgFail:
		var f failMsg
		if err := f.unmarshal(b); err != nil {
			return reply{}, err
		}
		return reply{id: f.ID, fail: &f}, nil
	}
	return reply{}, fmt.Errorf("%w: unexpected %s", ErrProtocol, t)
}
