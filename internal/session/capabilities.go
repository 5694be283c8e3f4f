package session

import (
	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/wire"
)

// ProtocolVersion is the protocol version this implementation speaks.
const ProtocolVersion = wire.Version

// Capability is one capability name a session may offer in its Hello, and
// when it is offered.
type Capability struct {
	Name string
	When string // "" when always offered, else when (a phrase)
}

// Capabilities lists every capability this implementation offers: first
// those in every Hello (localHello), then those offered on a condition.
func Capabilities() []Capability {
	var caps []Capability
	for _, c := range localHello().Caps {
		caps = append(caps, Capability{Name: c})
	}
	return append(caps,
		Capability{Name: wire.CapZstd, When: "when compression is asked for (-z) or a daemon does not refuse it"},
		Capability{Name: role.CapHandoff, When: "in a local transfer (sender and receiver in one process)"},
	)
}
