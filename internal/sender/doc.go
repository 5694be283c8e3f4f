// Package sender is ferry's sending engine: it opens the source operands,
// walks them in canonical order, streams entries within the receiver's
// entry credit, and answers each file request, signature in, delta (or
// whole data, or a handed-off descriptor) out, on a pool of workers.
//
// It is fed by a role.Peer: messages arrive through Handle on the
// session's reader goroutine (which it never blocks), and a pass runs
// through Pass. It never imports the receiver or a link's internals.
package sender
