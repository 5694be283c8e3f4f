// Package role holds what ferry's two engines, internal/sender and
// internal/receiver, share without importing each other: the options
// (Config, one struct from the public API to the wire), events, stats,
// per-file errors, the Peer (a role.Conn link, the options, the event
// sink and the pass-control queue), where run operands resolve (Base),
// file sums, the hand-off of whole files between the roles of one process
// and the test hooks.
package role
