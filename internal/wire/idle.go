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
