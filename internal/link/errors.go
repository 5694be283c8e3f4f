package link

import "errors"

// Errors of a link.
var (
	// ErrProtocol reports a peer that broke the protocol: a malformed or
	// unexpected message.
	ErrProtocol = errors.New("ferry: protocol error")
	// ErrTimeout reports a peer silent for longer than the timeout.
	ErrTimeout = errors.New("ferry: timeout")
)
