// Package wire is ferry's protocol codec: frames, the handshake and every
// message as a Go struct with its marshal and unmarshal code. It handles bytes
// only; it imports neither os nor net. docs/PROTOCOL.md is its specification.
//
// A connection starts with an 8-byte magic and a Hello frame from each side
// (sent concurrently); Negotiate picks the highest common version and the
// intersection of the named capabilities. Every later unit is a frame:
//
//	+------+----------------+-----------------+
//	| type | length (24 bit)| payload (length)|
//	+------+----------------+-----------------+
//
// Types 0x80 and above are optional: a reader that does not know one skips
// it. Lengths are checked against MaxPayload before anything is allocated.
//
// Reading:
//
//	fr := wire.NewFrameReader(r)
//	for {
//		msg, err := fr.ReadMsg() // nil msg, nil err: unknown optional frame skipped
//		...
//	}
package wire
