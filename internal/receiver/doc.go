// Package receiver is ferry's receiving engine: it merge-joins the
// incoming entry stream with its own walk of the destination, creates,
// updates and deletes entries, requests file data (with a signature of
// the basis) from the sender, writes it through internal/fsys into temp
// files and commits them by rename, directories' metadata after their
// contents.
//
// The reader goroutine writes each file's data as it arrives (Handle
// never waits for the writer); a committer goroutine applies metadata and
// renames. Jobs are keyed by request ID on the receiver's one Peer. It
// never imports the sender or a link's internals.
//
// With a shard (--shard, shard.go) it handles only its shard's
// non-directories and extraneous entries; cooperating (--cooperate,
// coop.go) it claims each file before moving it, leaves those others hold
// and takes them again, waiting, at the end of the pass.
package receiver
