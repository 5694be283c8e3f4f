package wire

import "slices"

// CapZstd names the capability under which a side may send Compressed
// messages. A client offers it only when it wants compression (-z); a
// server offers it always, so it is negotiated exactly when the client
// asked and both sides can.
const CapZstd = "zstd"

// Compression message types.
const (
	// TypeCompressed wraps another message's payload compressed with
	// zstd. It is required: it is only ever sent under CapZstd.
	TypeCompressed Type = 0x20
	// TypeCompressOptions carries the client's compression settings to
	// the server (optional: a peer that does not know it skips it).
	TypeCompressOptions Type = 0x82
)

// Limits on compression messages.
const (
	// MaxCompressLevel is the highest zstd level a CompressOptions may ask for.
	MaxCompressLevel = 22
	// MaxSkipSuffix bounds the length of one skip-compress suffix.
	MaxSkipSuffix = 64
)

// Compressible reports whether messages of type t may travel inside a
// Compressed message: file data and entry batches, nothing else (no
// nesting, no control message).
func Compressible(t Type) bool { return t == TypeData || t == TypeEntries }

// Compressed carries the payload of one Data or Entries message as a zstd
// frame. RawLen is the payload's exact length (at most MaxPayload); a
// decoder decompresses into at most RawLen bytes and fails on any other
// length, so a hostile frame cannot expand beyond one frame's payload.
// Use a Compressor to build one and a Decompressor to open it.
type Compressed struct {
	Inner  Type   // the wrapped message's type (Compressible)
	RawLen uint64 // its payload's length
	Z      []byte // one zstd frame: the rest of the payload
}

// Type implements Message.
func (*Compressed) Type() Type { return TypeCompressed }

// AppendTo implements Message.
func (m *Compressed) AppendTo(b []byte) []byte {
	b = append(b, byte(m.Inner))
	b = appendUvarint(b, m.RawLen)
	return append(b, m.Z...)
}

func (m *Compressed) decode(d *decoder) {
	m.Inner = Type(d.byte())
	if d.err == nil && !Compressible(m.Inner) {
		d.fail("compressed: inner type not compressible")
		return
	}
	m.RawLen = d.small(MaxPayload, "compressed: raw length")
	if d.err != nil {
		return
	}
	if len(d.b) == 0 {
		d.fail("compressed: no data")
		return
	}
	m.Z = append([]byte(nil), d.raw(uint64(len(d.b)))...)
}

// CompressOptions tells a server how to compress what it sends: the zstd
// level (0: its default) and the file-name suffixes (lower case, without
// the dot) whose data it sends uncompressed. The client sends it right
// after Run when CapZstd was negotiated; a server that never receives it
// uses its defaults.
type CompressOptions struct {
	Level uint64
	Skip  []string
}

// Type implements Message.
func (*CompressOptions) Type() Type { return TypeCompressOptions }

// AppendTo implements Message.
func (m *CompressOptions) AppendTo(b []byte) []byte {
	b = appendUvarint(b, m.Level)
	return appendStrings(b, m.Skip)
}

func (m *CompressOptions) decode(d *decoder) {
	m.Level = d.small(MaxCompressLevel, "compress options: level")
	m.Skip = d.strings()
	if d.err == nil && slices.ContainsFunc(m.Skip, func(s string) bool { return s == "" || len(s) > MaxSkipSuffix }) {
		d.fail("compress options: bad suffix")
	}
}
