// Package delta is ferry's delta engine: rolling checksums, block
// signatures, delta generation and patching, and librsync's rdiff file
// formats. It does pure I/O on io.Reader, io.ReaderAt and io.Writer values
// and imports neither os nor net.
//
// # The algorithm
//
// The receiver, which holds the basis (old file), cuts it into blocks and
// sends a Signature: for each block a weak rolling checksum and a strong
// hash. The sender slides a window of one block length over the new file;
// wherever the window's weak sum is in the signature and its strong hash
// confirms the block, it emits "copy that basis block", and otherwise the
// byte becomes literal data. The receiver rebuilds the new file from the
// basis and the operations.
//
//	sign(basis):
//	    for each block b of BlockLen bytes (the last may be shorter):
//	        emit (offset, len, weak(b), strong(b)[:StrongLen])
//
//	delta(sig, new):                       // new is read once, in order
//	    index: filter bitmap + open-addressing table of weak sums
//	    i, lit, expect = 0, 0, none
//	    loop:
//	        if expect != none:             // the block after a match
//	            verify blocks expect, expect+1, ... at i by strong hash
//	            alone, a growing batch hashed on all cores; emit COPY for
//	            each that matches; on the first miss expect = none
//	        roll the weak sum byte by byte until the filter has it
//	        look the sum up in the table; confirm with the strong hash
//	        if a block j matches: emit LITERAL new[lit:i], COPY j;
//	            i += len(j); lit = i; expect = j+1
//	    at the end, shrink the window from the front so that a short
//	    last block of the basis can match the new file's tail
//	    emit LITERAL new[lit:]
//
// Adjacent copies are merged into one. Memory is the signature, its index
// and a window of max(4 MiB, 4 blocks) of the new file; literal runs are
// flushed in pieces of at most a quarter of the window. Time is linear in
// the new file even on repetitive data: identical blocks are indexed once,
// at most 8 blocks are kept per weak sum, lookups probe at most 64 slots,
// and after a match the next block is checked first, so a file of zeros
// costs one strong hash per block, not one per byte.
//
// # Parameters
//
// Params chooses the block length, the stored strong-hash length, the
// RollingHash (Rollsum or RabinKarp, behind an interface so others can be
// added) and the StrongHash (MD4, BLAKE2 or seeded XXH3). Two rules are
// provided:
//
//	RdiffParams (rdiff 2.3, librsync rs_sig_args):
//	    blockLen  = 256 if size <= 64 KiB, else isqrt(size) &^ 127
//	                (2048 when the size is unknown)
//	    strongLen = the whole digest (32 for BLAKE2, 16 for MD4), or with
//	                -1 the minimum 2 + (log2(size+2^24) + log2(size/blockLen+1) + 7)/8
//	FerryParams:
//	    blockLen  = clamp(roundup(isqrt(size), 64), 512, 256 KiB)
//	    strongLen = clamp(ceil((log2(size) + log2(blocks) + 16) / 8), 8, 16)
//	                bytes of XXH3-128 seeded per session (8 up to several GiB)
//
// With k-bit stored strong sums, a delta of an n-byte file against b blocks
// makes at most about n·b/2^32 weak-sum candidates and so a false match
// with probability about n·b/2^(32+k): negligible for both rules (below
// 2^-48 per file for FerryParams, whose files are also verified whole).
//
// # Refinement
//
// ferry's sync protocol adds a second round that shrinks round 1's
// literal regions to about the bytes really changed; it is ferry's own
// (package internal/refine, docs/PROTOCOL.md section 5.5), built on this
// package's exported pieces (RollingHash, StrongHash, Filter, CopyMerger).
//
// Blocks may cover any ranges of the basis (AddBlocks takes the offset of
// the range it reads), so a caller can re-sign an unmatched region with
// smaller blocks and run Delta over the matching section of the new file.
//
// # Operations
//
// Delta writes to an OpWriter (Copy and Literal). RdiffDeltaWriter encodes
// rdiff deltas; Patcher applies operations to a basis; ReadRdiffDelta
// decodes an rdiff delta into any OpWriter; OpList records operations.
//
// # rdiff formats
//
// Signatures: a big-endian header (magic, block length, strong length) then
// per block a 4-byte weak sum and the strong-sum prefix. Magics 0x72730136
// (rollsum, MD4), 0x72730137 (rollsum, BLAKE2), 0x72730146 (RabinKarp, MD4)
// and 0x72730147 (RabinKarp, BLAKE2, the default). BLAKE2 is BLAKE2b with a
// 32-byte digest. Rollsum is s1 = Σ(b+31), s2 = Σ s1 (mod 2^16), sum =
// s2<<16|s1; RabinKarp is 1·M^n + Σ b[i]·M^(n-1-i) mod 2^32 with
// M = 0x08104225.
//
// Deltas: magic 0x72730236, then commands: END (0x00), LITERAL with the
// length in the opcode (0x01-0x40) or in 1, 2, 4 or 8 following bytes
// (0x41-0x44), and COPY (0x45-0x54) with offset and length of 1, 2, 4 or 8
// bytes each. The encoder picks the shortest form.
//
// Decoders check every length against documented maxima (MaxBlockLen,
// MaxStrongLen) before allocating, stream literals through a fixed buffer,
// and report errors as *FormatError with the byte offset of the bad item.
package delta
