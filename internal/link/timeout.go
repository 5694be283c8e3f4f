package link

import (
	"errors"

	"github.com/ferrysync/ferry/internal/transport"
)

// killer is the optional ability of a transport to end its peer at once
// (a child process: transport.Command).
type killer interface{ Kill() error }

// killPeer ends a peer that timed out, if the transport can: closing a
// command's pipes waits for the child to exit, which a stuck child (ssh
// to a frozen host) never does.
func killPeer(tc transport.Conn) {
	if k, ok := tc.(killer); ok {
		k.Kill()
	}
}

// TimeoutErr returns the timeout that tore c down, if that is what
// happened, else err: a handshake cut short by the timeout reports the
// timeout, not the read error it caused.
func (c *Link) TimeoutErr(err error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if errors.Is(c.failure, ErrTimeout) {
		return c.failure
	}
	return err
}

// Down returns the connection's error once it is torn down, else nil.
func (c *Link) Down() error {
	select {
	case <-c.done:
		return c.Err()
	default:
		return nil
	}
}
