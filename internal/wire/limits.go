package wire

// Limits on the entry stream (docs/PROTOCOL.md, "Limits").
const (
	// MaxEntriesBytes bounds the decoded size of one Entries message, the
	// sum of its entries' EntrySize: a path coded as a prefix of the one
	// before it must not let a few bytes on the wire stand for 64 KiB.
	MaxEntriesBytes = 4 << 20
	// MaxEntryWindow bounds the bytes of the stream items a sender has
	// sent and the receiver not yet credited back (EntrySize of each
	// entry, ErrorSize of each in-stream FileError): a sender waits for
	// credit past it, unless nothing is outstanding; a receiver fails
	// the session with a protocol error.
	MaxEntryWindow = 16 << 20
)

// ErrorSize is an in-stream FileError's share of the entry window.
func ErrorSize(m *FileError) int { return 32 + len(m.Path) + len(m.Message) }

// MaxRunSources is the most source operands a Run asking the server to
// send may name; a server refuses a Run with more (Fatal, usage).
const MaxRunSources = 1024
