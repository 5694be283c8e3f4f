// Package transport carries a ferry session's byte stream: an in-process
// pipe pair for local syncs and tests, and a child process (the -e/--rsh
// command, e.g. ssh) spoken to over its stdin and stdout.
//
// A Conn is a full-duplex byte stream. The session reads it from one
// goroutine and writes it from another, so neither direction ever waits for
// the other.
package transport

import "io"

// Conn is a full-duplex byte stream to the peer.
type Conn interface {
	io.Reader
	io.Writer
	// Close releases the connection: the peer's reads see EOF after what
	// was written. For a command it also waits for the process to exit.
	Close() error
}
