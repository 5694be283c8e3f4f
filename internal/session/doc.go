// Package session sets up ferry sessions over a transport.Conn, as the
// client (Dial) or the server (Serve): the handshake, the run request,
// then pass control (PassBegin, PassDone, Goodbye). The engines it runs
// are internal/sender and internal/receiver, fed by an internal/link
// through the role.Conn interface; api.go gives their shared types
// (internal/role) the names the rest of ferry uses.
//
// Each connection has one reader goroutine and one writer goroutine. The
// sender's reader never waits on the writer: every queue it fills is
// bounded by a credit the peer respects (entries: Credit messages; file
// requests: the receiver's window). The receiver's reader writes each
// file's data to disk as it arrives and hands verified files to a
// committer goroutine (metadata, rename); it waits only for the disk and,
// to report an event, for room in its own send queue, which drains because
// the sender's reader always reads. So a full pipe in one direction never
// stalls the other.
//
// Speed for many small files comes from: no goroutine per file; frames
// batched into one write (conn.send encodes under a mutex, the writer
// swaps the whole buffer out); up to MaxOutstanding requests in flight;
// parent directories kept open (the sender's workers here, fsys for the
// receiver); and, on a cold cache, prefetchers that read both trees ahead
// of the ordered walks with several goroutines (tree.Prefetcher).
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
// transport.Pipe, the same code path as remote ones, except that whole
// files pass as open descriptors (capability local-handoff, handoff.go):
// a pool of receiver goroutines copies them with copy_file_range and
// commits them, so the data never enters user space. Partial data an
// interrupted run kept is taken up by the next (receiver_partial.go): as
// the delta basis, or, for a file handed off whole, as the part already
// copied (receiver_resume.go). With -T the receiver's temp files go to a
// temp directory (tempdir.go), and with --delay-updates every updated file
// waits, complete, in the partial directory until the end of the pass,
// when all are renamed into place in one burst (delay.go).
package session
