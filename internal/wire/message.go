package wire

import "fmt"

// Message types. 0x01-0x7f are required; 0x80-0xff are optional.
const (
	TypeHello       Type = 0x01
	TypeRun         Type = 0x02
	TypePassBegin   Type = 0x03
	TypeEntries     Type = 0x04
	TypeEntriesEnd  Type = 0x05
	TypeCredit      Type = 0x06
	TypeFileRequest Type = 0x07
	TypeSigBlocks   Type = 0x08
	TypeData        Type = 0x09
	TypeFileEnd     Type = 0x0a
	TypeFileError   Type = 0x0b
	TypePassDone    Type = 0x0c
	TypeGoodbye     Type = 0x0d
	TypeFatal       Type = 0x0e

	TypeKeepalive Type = 0x80
	TypeItemized  Type = 0x81
)

// Message is one protocol message. Only this package turns messages into
// bytes and back.
type Message interface {
	// Type returns the frame type that carries the message.
	Type() Type
	// AppendTo appends the message's payload encoding to b.
	AppendTo(b []byte) []byte
	decode(d *decoder)
}

// newMessage returns an empty message of type t, or nil if t is unknown.
func newMessage(t Type) Message {
	switch t {
	case TypeHello:
		return new(Hello)
	case TypeRun:
		return new(Run)
	case TypePassBegin:
		return new(PassBegin)
	case TypeEntries:
		return new(Entries)
	case TypeEntriesEnd:
		return new(EntriesEnd)
	case TypeCredit:
		return new(Credit)
	case TypeFileRequest:
		return new(FileRequest)
	case TypeSigBlocks:
		return new(SigBlocks)
	case TypeData:
		return new(Data)
	case TypeFileEnd:
		return new(FileEnd)
	case TypeFileError:
		return new(FileError)
	case TypePassDone:
		return new(PassDone)
	case TypeGoodbye:
		return new(Goodbye)
	case TypeFatal:
		return new(Fatal)
	case TypeKeepalive:
		return new(Keepalive)
	case TypeItemized:
		return new(Itemized)
	case TypeTotals: // progress hook (totals.go)
		return new(Totals)
	case TypeRefineSig, TypeRefineMatch: // refine hook (refine.go)
		return newRefine(t)
	case TypeCompressed: // compress hook (compress.go)
		return new(Compressed)
	case TypeCompressOptions: // compress hook (compress.go)
		return new(CompressOptions)
	case TypeHandoff: // handoff hook (handoff.go)
		return new(Handoff)
	case TypeSourceDone:
		return new(SourceDone)
	case TypeIdle:
		return new(Idle)
	case TypePassCancel:
		return new(PassCancel)
	case TypeSourceError:
		return new(SourceError)
	case TypeFollow:
		return new(Follow)
	case TypeFollowEnd:
		return new(FollowEnd)
	case TypeRename:
		return new(Rename)
	case TypeRenameFailed:
		return new(RenameFailed)
	}
	return nil
}

// Decode decodes the payload of a frame of type t. Byte fields of the
// result are copies: payload may be reused afterwards. For an unknown
// optional type it returns (nil, nil).
func Decode(t Type, payload []byte) (Message, error) {
	m := newMessage(t)
	if m == nil {
		if t.Optional() {
			return nil, nil
		}
		return nil, fmt.Errorf("%w %#x", ErrUnknownType, uint8(t))
	}
	return decodeInto(m, payload, false)
}

// decodeInto decodes payload into m; with share, the literal data of a
// Data message aliases payload instead of being copied.
func decodeInto(m Message, payload []byte, share bool) (Message, error) {
	d := decoder{b: payload, share: share}
	m.decode(&d)
	if err := d.done(); err != nil {
		return nil, fmt.Errorf("decode %T: %w", m, err)
	}
	return m, nil
}

// Marshal returns m's payload encoding (without the frame header).
func Marshal(m Message) []byte { return m.AppendTo(nil) }
