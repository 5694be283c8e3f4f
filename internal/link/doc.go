// Package link is one ferry connection: framing over a transport.Conn,
// a writer goroutine that batches frames, flow of the send queue,
// keepalives and the idle timeout, zstd compression of the messages that
// carry file data, and Fatal delivery before the connection closes.
//
// A Link knows nothing of files, passes or roles: internal/session does
// the handshake on it and starts the roles, which see it only through the
// narrow role.Conn interface (send, done, err, fail, negotiated caps).
//
// Writing batches: Send encodes a message straight into a pending buffer
// under a mutex, and the writer goroutine swaps that buffer out and writes
// it in one call. While the writer is busy in a write, more frames
// gather, so a busy connection makes few large writes. Reading is done by
// whoever calls Read (the session's reader goroutine).
package link
