package daemon

import (
	"encoding/binary"
	"fmt"
	"unicode/utf8"
)

// maxString is the largest string field of a daemon-phase message.
const maxString = 1<<16 - 1

// encoder appends message fields to a byte slice.
type encoder struct{ buf []byte }

func (e *encoder) u8(v uint8)   { e.buf = append(e.buf, v) }
func (e *encoder) u16(v uint16) { e.buf = binary.BigEndian.AppendUint16(e.buf, v) }
func (e *encoder) raw(b []byte) { e.buf = append(e.buf, b...) }

// str appends a uint16 length and the bytes of s, cut to maxString bytes.
func (e *encoder) str(s string) {
	if len(s) > maxString {
		s = s[:maxString]
	}
	e.u16(uint16(len(s)))
	e.buf = append(e.buf, s...)
}

// decoder reads message fields with a sticky error: after the first
// failure every read returns zero values and err keeps the cause.
type decoder struct {
	msg msgType
	buf []byte
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s: %s", ErrProtocol, d.msg, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) take(n int, what string) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.buf) {
		d.fail("%s: need %d bytes, have %d", what, n, len(d.buf))
		return nil
	}
	b := d.buf[:n]
	d.buf = d.buf[n:]
	return b
}

func (d *decoder) u8(what string) uint8 {
	b := d.take(1, what)
	if b == nil {
		return 0
	}
	return b[0]
}

func (d *decoder) u16(what string) uint16 {
	b := d.take(2, what)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint16(b)
}

// str reads a uint16-length string of at most max bytes, valid UTF-8.
func (d *decoder) str(what string, max int) string {
	n := int(d.u16(what + " length"))
	if d.err != nil {
		return ""
	}
	if n > max {
		d.fail("%s: %d bytes (max %d)", what, n, max)
		return ""
	}
	b := d.take(n, what)
	if d.err != nil {
		return ""
	}
	if !utf8.Valid(b) {
		d.fail("%s: not valid UTF-8", what)
		return ""
	}
	return string(b)
}

// done reports trailing bytes as an error and returns the sticky error.
func (d *decoder) done() error {
	if d.err == nil && len(d.buf) != 0 {
		d.fail("%d trailing bytes", len(d.buf))
	}
	return d.err
}
