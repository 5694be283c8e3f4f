package wire

import (
	"fmt"
	"slices"
)

// Magic opens every connection, before the Hello frame. Like PNG's, it
// catches 7-bit channels, line-ending translation and stray text (a login
// banner) on the stream.
const Magic = "\x89FERRY\r\n"

// Version is the protocol version this package speaks.
const Version = 1

// Hello is the first frame each side sends, concurrently with its peer.
type Hello struct {
	MinVersion uint64   // oldest version the sender of this Hello speaks
	MaxVersion uint64   // newest version it speaks
	Software   string   // free text, e.g. "ferry/0.1"
	Caps       []string // capability names it supports
}

// Type implements Message.
func (*Hello) Type() Type { return TypeHello }

// AppendTo implements Message.
func (m *Hello) AppendTo(b []byte) []byte {
	b = appendUvarint(b, m.MinVersion)
	b = appendUvarint(b, m.MaxVersion)
	b = appendString(b, m.Software)
	return appendStrings(b, m.Caps)
}

func (m *Hello) decode(d *decoder) {
	m.MinVersion = d.uvarint()
	m.MaxVersion = d.uvarint()
	m.Software = d.string()
	m.Caps = d.strings()
	if d.err == nil && m.MinVersion > m.MaxVersion {
		d.fail("hello: min version above max version")
	}
}

// WriteHello writes the magic and h, and flushes.
func WriteHello(fw *FrameWriter, h *Hello) error {
	if err := fw.writeMagic(); err != nil {
		return err
	}
	if err := fw.WriteMsg(h); err != nil {
		return err
	}
	return fw.Flush()
}

// ReadHello reads the magic and the peer's Hello. It returns ErrBadMagic
// when the stream does not start with Magic.
func ReadHello(fr *FrameReader) (*Hello, error) {
	if err := fr.readMagic(); err != nil {
		return nil, err
	}
	m, err := fr.ReadMsg()
	if err != nil {
		return nil, err
	}
	h, ok := m.(*Hello)
	if !ok {
		return nil, fmt.Errorf("%w: expected hello, got %T", ErrMalformed, m)
	}
	return h, nil
}

// Negotiate returns the highest version both Hellos allow and the
// capabilities both name, sorted. It returns ErrNoVersion when the version
// ranges do not overlap.
func Negotiate(local, remote *Hello) (uint64, []string, error) {
	lo := max(local.MinVersion, remote.MinVersion)
	hi := min(local.MaxVersion, remote.MaxVersion)
	if lo > hi {
		return 0, nil, fmt.Errorf("%w: we speak %d-%d, peer %d-%d (%s)", ErrNoVersion,
			local.MinVersion, local.MaxVersion, remote.MinVersion, remote.MaxVersion, remote.Software)
	}
	var caps []string
	for _, c := range local.Caps {
		if slices.Contains(remote.Caps, c) && !slices.Contains(caps, c) {
			caps = append(caps, c)
		}
	}
	slices.Sort(caps)
	return hi, caps, nil
}
