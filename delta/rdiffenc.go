package delta

import (
	"bufio"
	"encoding/binary"
	"io"
)

// An RdiffDeltaWriter encodes operations as an rdiff delta, choosing the
// most compact command for each. It implements OpWriter; Close writes END.
type RdiffDeltaWriter struct {
	bw      *bufio.Writer
	started bool
	err     error // sticky
}

// NewRdiffDeltaWriter returns an encoder writing to w.
func NewRdiffDeltaWriter(w io.Writer) *RdiffDeltaWriter {
	return &RdiffDeltaWriter{bw: bufio.NewWriterSize(w, 64<<10)}
}

// Copy encodes a COPY command.
func (e *RdiffDeltaWriter) Copy(off, n int64) error {
	if n == 0 {
		return e.err
	}
	var b [17]byte
	ow, nw := intLen(uint64(off)), intLen(uint64(n))
	b[0] = byte(opCopyN1N1 + 4*sizeIndex(ow) + sizeIndex(nw))
	k := 1 + putNetInt(b[1:], uint64(off), ow)
	k += putNetInt(b[k:], uint64(n), nw)
	return e.write(b[:k], nil)
}

// Literal encodes a LITERAL command holding p.
func (e *RdiffDeltaWriter) Literal(p []byte) error {
	if len(p) == 0 {
		return e.err
	}
	var b [9]byte
	k := 1
	if len(p) <= opLiteralN1-1 {
		b[0] = byte(len(p))
	} else {
		nw := intLen(uint64(len(p)))
		b[0] = byte(opLiteralN1 + sizeIndex(nw))
		k += putNetInt(b[1:], uint64(len(p)), nw)
	}
	return e.write(b[:k], p)
}

// Close writes END (and the magic if nothing was written) and flushes. It
// does not close the underlying writer.
func (e *RdiffDeltaWriter) Close() error {
	if err := e.write([]byte{opEnd}, nil); err != nil {
		return err
	}
	e.err = e.bw.Flush()
	return e.err
}

func (e *RdiffDeltaWriter) write(cmd, data []byte) error {
	if e.err != nil {
		return e.err
	}
	if !e.started {
		var m [4]byte
		binary.BigEndian.PutUint32(m[:], uint32(MagicDelta))
		e.bw.Write(m[:])
		e.started = true
	}
	e.bw.Write(cmd)
	_, e.err = e.bw.Write(data)
	return e.err
}

// intLen returns the smallest of 1, 2, 4 and 8 bytes that holds v.
func intLen(v uint64) int {
	switch {
	case v <= 0xff:
		return 1
	case v <= 0xffff:
		return 2
	case v <= 0xffffffff:
		return 4
	}
	return 8
}

// sizeIndex maps 1, 2, 4, 8 to 0, 1, 2, 3.
func sizeIndex(size int) int {
	switch size {
	case 1:
		return 0
	case 2:
		return 1
	case 4:
		return 2
	}
	return 3
}

func putNetInt(b []byte, v uint64, size int) int {
	var t [8]byte
	binary.BigEndian.PutUint64(t[:], v)
	return copy(b, t[8-size:])
}
