// Package session runs ferry's protocol roles, sender and receiver, over a
// transport.Conn: the handshake, the run request, passes, flow control.
//
// Each connection has one reader goroutine and one writer goroutine. The
// reader never waits on the writer: every queue it fills is bounded by a
// credit the peer respects (entries: Credit messages; file requests: the
// receiver's window), or drains by local disk work only (a file's data).
// So a full pipe in one direction never stalls the other.
//
//	client                                server
//	  Hello  <------------------------------> Hello   (concurrently)
//	  Run ---------------------------------->
//	  PassBegin ---------------------------->
//	  (sender) Entries... EntriesEnd ------->(receiver merge-joins its walk)
//	          <------- Credit, FileRequest+SigBlocks
//	  Data..., FileEnd / FileError ---------->
//	          <------------------- PassDone   (receiver: all files done)
//	  PassDone ----------------------------->
//	  PassBegin (another pass) or Goodbye -->
//
// Either side may play either role; the client names the server's role in
// Run. Local syncs run a client and a server in one process over
// transport.Pipe, the same code path as remote ones.
package session
