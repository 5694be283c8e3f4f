package wire

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// Type identifies a message. Types with the high bit set (0x80-0xff) are
// optional: a peer that does not know one skips it.
type Type uint8

// Optional reports whether a reader that does not know t may skip it.
func (t Type) Optional() bool { return t&0x80 != 0 }

// HeaderSize is the size of a frame header: one type byte and a 24-bit
// big-endian payload length.
const HeaderSize = 4

// MaxPayload is the largest payload a frame may carry. A reader rejects a
// longer frame before allocating anything.
const MaxPayload = 1 << 20

// Errors reported by the codec.
var (
	ErrFrameTooLarge = errors.New("wire: frame too large")
	ErrMalformed     = errors.New("wire: malformed message")
	ErrUnknownType   = errors.New("wire: unknown required message type")
	ErrBadMagic      = errors.New("wire: bad magic: peer is not speaking the ferry protocol")
	ErrNoVersion     = errors.New("wire: no common protocol version")
)

// FrameReader reads frames from a byte stream.
type FrameReader struct {
	r   *bufio.Reader
	buf []byte
	n   int64 // bytes read so far

	// ShareData makes ReadMsg return Data messages whose literal bytes
	// alias the reader's buffer, valid only until the next read: for a
	// reader that writes them out at once, it saves a copy of every
	// byte transferred.
	ShareData bool
}

// NewFrameReader returns a FrameReader reading from r.
func NewFrameReader(r io.Reader) *FrameReader {
	return &FrameReader{r: bufio.NewReaderSize(r, 64<<10)}
}

// BytesRead returns the number of bytes consumed from the stream so far.
func (fr *FrameReader) BytesRead() int64 { return fr.n }

// ReadFrame reads the next frame. The payload is valid until the next call.
func (fr *FrameReader) ReadFrame() (Type, []byte, error) {
	var h [HeaderSize]byte
	if _, err := io.ReadFull(fr.r, h[:]); err != nil {
		return 0, nil, err
	}
	t := Type(h[0])
	n := int(h[1])<<16 | int(h[2])<<8 | int(h[3])
	if n > MaxPayload {
		return 0, nil, fmt.Errorf("%w: type %#x, %d bytes", ErrFrameTooLarge, uint8(t), n)
	}
	if cap(fr.buf) < n {
		fr.buf = make([]byte, n, max(n, 4096))
	}
	p := fr.buf[:n]
	if _, err := io.ReadFull(fr.r, p); err != nil {
		return 0, nil, unexpected(err)
	}
	fr.n += int64(HeaderSize + n)
	return t, p, nil
}

// ReadMsg reads and decodes the next message. For an unknown optional type
// it returns a nil Message and a nil error; for an unknown required type it
// returns ErrUnknownType.
func (fr *FrameReader) ReadMsg() (Message, error) {
	t, p, err := fr.ReadFrame()
	if err != nil {
		return nil, err
	}
	if fr.ShareData && t == TypeData {
		return decodeInto(new(Data), p, true)
	}
	return Decode(t, p)
}

// readMagic reads and checks the connection's magic.
func (fr *FrameReader) readMagic() error {
	var m [len(Magic)]byte
	if _, err := io.ReadFull(fr.r, m[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%w (short read)", ErrBadMagic)
		}
		return err
	}
	fr.n += int64(len(m))
	if string(m[:]) != Magic {
		return fmt.Errorf("%w: got %q", ErrBadMagic, m[:])
	}
	return nil
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// FrameWriter writes frames to a byte stream through a buffer. It is not
// safe for concurrent use: one writer goroutine per connection owns it.
type FrameWriter struct {
	w   *bufio.Writer
	buf []byte
	n   int64
}

// NewFrameWriter returns a FrameWriter writing to w.
func NewFrameWriter(w io.Writer) *FrameWriter {
	return &FrameWriter{w: bufio.NewWriterSize(w, 64<<10)}
}

// BytesWritten returns the number of bytes written so far (buffered included).
func (fw *FrameWriter) BytesWritten() int64 { return fw.n }

// WriteFrame writes one frame. It buffers; call Flush to push it out.
func (fw *FrameWriter) WriteFrame(t Type, payload []byte) error {
	if len(payload) > MaxPayload {
		return fmt.Errorf("%w: type %#x, %d bytes", ErrFrameTooLarge, uint8(t), len(payload))
	}
	n := len(payload)
	h := [HeaderSize]byte{byte(t), byte(n >> 16), byte(n >> 8), byte(n)}
	if _, err := fw.w.Write(h[:]); err != nil {
		return err
	}
	if _, err := fw.w.Write(payload); err != nil {
		return err
	}
	fw.n += int64(HeaderSize + n)
	return nil
}

// WriteMsg marshals m and writes it as one frame.
func (fw *FrameWriter) WriteMsg(m Message) error {
	fw.buf = m.AppendTo(fw.buf[:0])
	return fw.WriteFrame(m.Type(), fw.buf)
}

// AppendFrame appends m as one frame (header and payload) to b. It fails,
// leaving b as it was, when the payload exceeds MaxPayload. It lets a
// connection batch many frames into one write.
func AppendFrame(b []byte, m Message) ([]byte, error) {
	start := len(b)
	b = append(b, byte(m.Type()), 0, 0, 0)
	b = m.AppendTo(b)
	n := len(b) - start - HeaderSize
	if n > MaxPayload {
		return b[:start], fmt.Errorf("%w: type %#x, %d bytes", ErrFrameTooLarge, uint8(m.Type()), n)
	}
	b[start+1], b[start+2], b[start+3] = byte(n>>16), byte(n>>8), byte(n)
	return b, nil
}

// Flush writes buffered frames to the underlying writer.
func (fw *FrameWriter) Flush() error { return fw.w.Flush() }

// Buffered returns the number of bytes waiting in the buffer.
func (fw *FrameWriter) Buffered() int { return fw.w.Buffered() }

// writeMagic writes the connection's magic.
func (fw *FrameWriter) writeMagic() error {
	_, err := fw.w.WriteString(Magic)
	fw.n += int64(len(Magic))
	return err
}
