package wire

// TypeIdle is the optional message by which a side tells its idle
// timeout; TypePassCancel cancels a pass (capability "pass-cancel").
const (
	TypeIdle       Type = 0x83
	TypePassCancel Type = 0x14
)

// Idle tells the peer this side's idle timeout: it drops a peer silent for
// longer than Timeout milliseconds (0: never). Each side sends it once,
// right after its Hello, when it has a timeout; a peer that gets it sends
// something (a Keepalive, if nothing else) at least every third of the
// smaller of the two timeouts, so that an idle session outlives both.
type Idle struct {
	Timeout uint64 // milliseconds
}

// Type implements Message.
func (*Idle) Type() Type { return TypeIdle }

// AppendTo implements Message.
func (m *Idle) AppendTo(b []byte) []byte { return appendUvarint(b, m.Timeout) }

func (m *Idle) decode(d *decoder) { m.Timeout = d.uvarint() }

// PassCancel asks the peer to end pass Pass early: the sender stops
// walking and ends its entry stream; the receiver takes no more entries,
// requests no more files and deletes nothing more in that pass; files in
// flight finish (each either old or new). The pass then ends as usual,
// with the PassDone exchange, and the session goes on. The client sends
// it, only when both sides offered "pass-cancel", after the PassBegin of
// that pass; a PassCancel for a pass that is not running is ignored.
type PassCancel struct {
	Pass uint64
}

// Type implements Message.
func (*PassCancel) Type() Type { return TypePassCancel }

// AppendTo implements Message.
func (m *PassCancel) AppendTo(b []byte) []byte { return appendUvarint(b, m.Pass) }

func (m *PassCancel) decode(d *decoder) { m.Pass = d.uvarint() }

// TypeFollow and TypeFollowEnd let the server start passes (capability
// "server-pass").
const (
	TypeFollow    Type = 0x15
	TypeFollowEnd Type = 0x16
)

// Follow, from the client between passes, hands the starting of passes
// to the server: until FollowEnd, the server sends PassBegin (numbered on
// from the last pass) whenever it has something to send (a watched tree
// changed), and both sides run the pass as any other. The client starts
// no pass meanwhile.
type Follow struct{}

// Type implements Message.
func (*Follow) Type() Type { return TypeFollow }

// AppendTo implements Message.
func (*Follow) AppendTo(b []byte) []byte { return b }

func (*Follow) decode(*decoder) {}

// FollowEnd, from the client, takes the starting of passes back; the
// server finishes the pass it is running, if any, and answers FollowEnd.
// The client runs every pass the server begins before that answer.
type FollowEnd struct{}

// Type implements Message.
func (*FollowEnd) Type() Type { return TypeFollowEnd }

// AppendTo implements Message.
func (*FollowEnd) AppendTo(b []byte) []byte { return b }

func (*FollowEnd) decode(*decoder) {}
