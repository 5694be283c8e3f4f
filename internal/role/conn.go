package role

import (
	"github.com/ferrysync/ferry/internal/link"
	"github.com/ferrysync/ferry/internal/wire"
)

// Conn is all a role needs of the link that feeds it: send a message, see
// the link go down and why, end it, and what both sides negotiated.
// *link.Link implements it; a role never reaches into a link's framing,
// writer or compression, so one engine can be fed by other links (a test
// double, a relay, several connections).
type Conn interface {
	// Send queues m; it blocks while too much is queued and fails once
	// the link is down.
	Send(m wire.Message) error
	// Done is closed when the link is torn down; Err then says why.
	Done() <-chan struct{}
	Err() error
	// Down returns Err once the link is down, else nil.
	Down() error
	// Fail tears the link down for err; Abort first tells the peer in a
	// Fatal.
	Fail(err error)
	Abort(err error)
	// Negotiated returns the capabilities both sides offered.
	Negotiated() link.Caps
	// Counts returns the bytes sent and received so far.
	Counts() (sent, received int64)
	// ShareData lets Data payloads alias the reader's buffer (the
	// receiver writes each out before it returns from Handle).
	ShareData()
}

var _ Conn = (*link.Link)(nil)
