package daemon

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Daemon-phase frame layout (docs/DAEMON.md, "Framing"):
//
//	+------+-----------------------+-------------------+
//	| type | length (uint32, BE)   | payload (length)  |
//	+------+-----------------------+-------------------+
//
// The daemon phase uses this framing of its own; once READY is sent, the
// connection belongs to the sync protocol (docs/PROTOCOL.md).

// MaxFramePayload is the largest daemon-phase payload accepted, checked
// before any allocation.
const MaxFramePayload = 1 << 20

// frameHeaderLen is the size of a frame header: type and length.
const frameHeaderLen = 5

// Sentinel errors of the daemon phase.
var (
	// ErrProtocol reports a malformed daemon-phase message.
	ErrProtocol = errors.New("ferry: daemon protocol error")
	// ErrFrameTooLarge reports a frame longer than MaxFramePayload.
	ErrFrameTooLarge = errors.New("ferry: daemon frame too large")
	// ErrVersion reports that client and server share no protocol version.
	ErrVersion = errors.New("ferry: unsupported daemon protocol version")
)

// frame is one daemon-phase message before decoding.
type frame struct {
	typ     msgType
	payload []byte
}

// readFrame reads one frame from r, refusing payloads over max bytes.
func readFrame(r io.Reader, max int) (frame, error) {
	var hdr [frameHeaderLen]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return frame{}, fmt.Errorf("read frame header: %w", err)
	}
	return readFrameAfter(r, hdr, max)
}

// readFrameAfter reads the payload of the frame whose header is hdr.
func readFrameAfter(r io.Reader, hdr [frameHeaderLen]byte, max int) (frame, error) {
	n := binary.BigEndian.Uint32(hdr[1:])
	if uint64(n) > uint64(max) {
		return frame{}, fmt.Errorf("%w: %d bytes (max %d)", ErrFrameTooLarge, n, max)
	}
	f := frame{typ: msgType(hdr[0]), payload: make([]byte, n)}
	if _, err := io.ReadFull(r, f.payload); err != nil {
		return frame{}, fmt.Errorf("read %s payload: %w", f.typ, err)
	}
	return f, nil
}

// writeFrame writes one frame to w in a single Write call.
func writeFrame(w io.Writer, typ msgType, payload []byte) error {
	if len(payload) > MaxFramePayload {
		return fmt.Errorf("write %s: %w: %d bytes", typ, ErrFrameTooLarge, len(payload))
	}
	buf := make([]byte, frameHeaderLen, frameHeaderLen+len(payload))
	buf[0] = byte(typ)
	binary.BigEndian.PutUint32(buf[1:], uint32(len(payload)))
	buf = append(buf, payload...)
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("write %s: %w", typ, err)
	}
	return nil
}
