package wire

import (
	"encoding/binary"
	"fmt"
)

// Limits on decoded fields, checked before allocation.
const (
	MaxString = 64 << 10 // a path, name, rule or message text
	MaxList   = 1 << 16  // elements of a list of strings
)

func appendUvarint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }
func appendVarint(b []byte, v int64) []byte   { return binary.AppendVarint(b, v) }

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBytes(b []byte, p []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(p)))
	return append(b, p...)
}

func appendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

// decoder reads primitives from a payload with a sticky error.
type decoder struct {
	b     []byte
	err   error
	share bool // Data literals alias b (FrameReader.ShareData)
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrMalformed, what)
	}
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("bad uvarint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// small reads a uvarint that must not exceed limit.
func (d *decoder) small(limit uint64, what string) uint64 {
	v := d.uvarint()
	if v > limit {
		d.fail(what + " out of range")
		return 0
	}
	return v
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 1 {
		d.fail("short payload")
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

// raw returns the next n bytes without copying.
func (d *decoder) raw(n uint64) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.fail("length beyond payload")
		return nil
	}
	p := d.b[:n:n]
	d.b = d.b[n:]
	return p
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > MaxString {
		d.fail("string too long")
		return ""
	}
	return string(d.raw(n))
}

// bytes reads a length-prefixed byte string and copies it.
func (d *decoder) bytes(limit uint64) []byte {
	n := d.uvarint()
	if n > limit {
		d.fail("byte string too long")
		return nil
	}
	p := d.raw(n)
	if d.err != nil || n == 0 {
		return nil
	}
	return append([]byte(nil), p...)
}

// sharedBytes reads a length-prefixed byte string without copying it.
func (d *decoder) sharedBytes(limit uint64) []byte {
	n := d.uvarint()
	if n > limit {
		d.fail("byte string too long")
		return nil
	}
	p := d.raw(n)
	if d.err != nil || n == 0 {
		return nil
	}
	return p
}

func (d *decoder) strings() []string {
	n := d.uvarint()
	if n > MaxList || n > uint64(len(d.b)) {
		d.fail("list too long")
		return nil
	}
	if n == 0 {
		return nil
	}
	ss := make([]string, 0, n)
	for range n {
		ss = append(ss, d.string())
		if d.err != nil {
			return nil
		}
	}
	return ss
}

// done fails unless the whole payload was consumed.
func (d *decoder) done() error {
	if d.err == nil && len(d.b) != 0 {
		d.fail("trailing bytes")
	}
	return d.err
}
