// Package swarm fetches one tree from many sources at once, every chunk
// verified against a manifest the origin signed, so that an untrusted or
// broken mirror can slow a transfer but never corrupt it
// (docs/DAEMON.md §11 is the spec).
//
// The manifest lists, in canonical order (tree.Compare), every directory,
// symlink and regular file of a module with its mode and mtime, and for a
// file its size, the BLAKE3-256 and the rolling weak checksum of each
// 1 MiB chunk (ChunkSize says why that size) and its root, the BLAKE3-256 of its size and chunk hashes.
// It is written and read as a stream (Writer, Reader), never held whole.
// Its generation is the BLAKE3-256 of the body; the trailer is the
// origin's Ed25519 key and its signature of the generation (sign.go).
//
// Sources serve a Store: an Origin builds a manifest whenever the stat
// stamp of its tree changes and caches the last few generations; a Mirror
// re-serves an origin's manifest it adopted after checking its own tree
// against it. Serve answers a connection's requests (the manifest, chunks
// by path, generation, index and expected hash) after the daemon's READY;
// a source never sends a chunk that does not match the hash asked for
// (it answers FAIL "changed" instead), so only a lying source is banned.
//
// Fetch is the client:
//
//	origin := dial(origin); INFO -> generation, key (must be the pinned one)
//	spool the manifest to a temp file, Verify, then decode it from there
//	mirrors := those whose INFO names the same key and generation
//	for each entry: dirs and symlinks now; a file whose size and mtime
//	    match is kept; else a temp file gets the old file's chunks that
//	    still hash right (same index, then at any offset: a window rolled
//	    over the old file, weak checksum then BLAKE3), the others queued
//	each source: a sender taking chunks while under its depth (grows with
//	    its measured rate), a reader verifying and writing them;
//	    endgame: with nothing queued, a source duplicates the oldest
//	    request of another; the first copy wins, the rest are cancelled
//	bad chunk -> source banned, its chunks requeued; silence with requests
//	    in flight for Timeout -> source dropped; FAIL -> chunk retried
//	    elsewhere; a chunk no source can serve fails its file only
//	a file whose chunks are all written is committed by rename
//	directories get their modes and times last
//
// An origin may keep a Registry: mirrors register (REGISTER, with an HMAC
// the daemon checks) the address clients dial and the generation they
// hold, for a TTL; GET_MIRRORS nominates the live mirrors of a generation,
// which Fetch uses when it is given no mirrors. internal/daemon runs the
// mirrors' refresh loop (adopt, or fetch the tree with Fetch, then
// register) and the seeds of `ferry --swarm --seed`.
package swarm
