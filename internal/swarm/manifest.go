package swarm

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/zeebo/blake3"
)

// ChunkSize is the size of a chunk: every chunk of a file but its last is
// this long. 1 MiB because it is large enough that a request's fixed cost
// (a 40-byte request, a round trip hidden by pipelining, a seek, a hash
// check) is lost in the data, even at the 40+ MiB/s of a fast mirror
// (a chunk every 25 ms), and small enough that a 1 GiB file splits into
// 1024 pieces a scheduler can spread over many sources, that the endgame
// duplicates at most a few MiB, and that a corrupt chunk costs one MiB
// refetched. The hashes cost 32 bytes per MiB (32 KiB per GiB).
const ChunkSize = 1 << 20

// Limits of the manifest format, checked by the decoder before allocating.
const (
	MaxPath    = 4096    // bytes of a path or a symlink target
	MaxSize    = 1 << 40 // bytes of one file (1 TiB: 1 Mi chunks, 32 MiB of hashes)
	MaxEntries = 1 << 32 // entries of one manifest
	maxModule  = 255     // bytes of the module name
	HashSize   = 32      // BLAKE3-256
	magic      = "FERRYSWM"
	maxName    = 255 // bytes of a user or group name
	version    = 3   // written; 1 (without weak checksums) and 2 (without owners) are still read
)

// Entry types.
const (
	TypeFile    uint8 = 1
	TypeDir     uint8 = 2
	TypeSymlink uint8 = 3
	// From version 3 on: device numbers in Rdev for the devices.
	TypeChar   uint8 = 4 // character device
	TypeBlock  uint8 = 5 // block device
	TypeFIFO   uint8 = 6 // named pipe
	TypeSocket uint8 = 7 // unix socket file
)

// Record tags of the manifest stream.
const (
	tagEntry = 'E'
	tagEnd   = 'Z'
)

// Hash is a BLAKE3-256 digest.
type Hash [HashSize]byte

// Entry is one path of a manifest.
type Entry struct {
	Path   string // slash-separated, relative, canonical order (tree.Compare); "." the top directory
	Type   uint8  // TypeFile, TypeDir, TypeSymlink
	Mode   uint32 // permission bits (07777)
	Size   int64  // regular files; 0 otherwise
	MTime  int64  // nanoseconds since the Unix epoch
	Target string // symlink target
	Rdev   uint64 // TypeChar, TypeBlock: the device number (unix.Mkdev)
	// Owners: UID, GID, User and Group are known (version 3 on). User
	// and Group are the names at the origin ("" when it has none), by
	// which a receiver maps owners unless told to keep the numbers.
	Owners   bool
	UID, GID uint32
	User     string
	Group    string
	Root     Hash   // regular files: FileRoot(Size, Chunks)
	Chunks   []Hash // regular files: BLAKE3-256 of each chunk, in order
	// Weak are the chunks' rolling checksums (WeakSum), from version 2
	// on; nil in a version 1 manifest. They find chunks at other offsets
	// of a local file; only the BLAKE3 hashes verify.
	Weak []uint32
}

// NumChunks returns the number of chunks of a file of size bytes.
func NumChunks(size int64) int64 { return (size + ChunkSize - 1) / ChunkSize }

// ChunkLen returns the length of chunk i of a file of size bytes.
func ChunkLen(size int64, i int64) int64 { return min(ChunkSize, size-i*ChunkSize) }

// FileRoot is a file's root hash: BLAKE3-256 of its size (u64, big
// endian) followed by the hashes of its chunks. It names the file's
// content; each chunk hash verifies one chunk on its own.
func FileRoot(size int64, chunks []Hash) Hash {
	h := blake3.New()
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(size))
	h.Write(b[:])
	for i := range chunks {
		h.Write(chunks[i][:])
	}
	var r Hash
	h.Sum(r[:0])
	return r
}

// ChunkHash returns the BLAKE3-256 of a chunk's bytes.
func ChunkHash(b []byte) Hash { return blake3.Sum256(b) }

// Header opens a manifest.
type Header struct {
	Module  string // the origin's module name
	Created int64  // when the origin built it, nanoseconds since the epoch
}

// ErrManifest reports a malformed manifest.
var ErrManifest = errors.New("ferry: bad swarm manifest")

// ErrVersion reports a manifest of a format version newer than this
// reader knows (it also matches ErrManifest): a newer origin.
var ErrVersion = errors.New("format version newer than this ferry reads")

// Writer encodes a manifest body to a stream, one entry at a time, hashing
// what it writes (the generation). Entries must come in canonical order.
type Writer struct {
	w    *bufio.Writer
	h    *blake3.Hasher
	n    uint64
	last string
	err  error
}

// NewWriter writes the header to w and returns the Writer.
func NewWriter(w io.Writer, hd Header) *Writer {
	mw := &Writer{h: blake3.New()}
	mw.w = bufio.NewWriterSize(io.MultiWriter(w, mw.h), 64<<10)
	var e enc
	e.raw([]byte(magic))
	e.u16(version)
	e.u32(ChunkSize)
	e.u64(uint64(hd.Created))
	e.str(hd.Module)
	mw.write(e.b)
	return mw
}

func (w *Writer) write(b []byte) {
	if w.err == nil {
		_, w.err = w.w.Write(b)
	}
}

// Add writes one entry.
func (w *Writer) Add(en *Entry) error {
	if w.err != nil {
		return w.err
	}
	if err := checkEntry(en, w.last, w.n); err != nil {
		return err
	}
	if en.Type == TypeFile && len(en.Weak) != len(en.Chunks) {
		return fmt.Errorf("%w: entry %q: no weak checksums", ErrManifest, en.Path)
	}
	w.last = en.Path
	var e enc
	e.u8(tagEntry)
	e.str(en.Path)
	e.u8(en.Type)
	e.u32(en.Mode)
	e.u64(uint64(en.Size))
	e.u64(uint64(en.MTime))
	e.u32(en.UID)
	e.u32(en.GID)
	e.str(en.User)
	e.str(en.Group)
	switch en.Type {
	case TypeSymlink:
		e.str(en.Target)
	case TypeChar, TypeBlock:
		e.u64(en.Rdev)
	case TypeFile:
		e.raw(en.Root[:])
		for i := range en.Chunks {
			e.raw(en.Chunks[i][:])
			e.u32(en.Weak[i])
		}
	}
	w.write(e.b)
	w.n++
	return w.err
}

// Close writes the end record, flushes, and returns the generation: the
// BLAKE3-256 of the whole body.
func (w *Writer) Close() (Hash, error) {
	var e enc
	e.u8(tagEnd)
	e.u64(w.n)
	w.write(e.b)
	if w.err == nil {
		w.err = w.w.Flush()
	}
	var g Hash
	w.h.Sum(g[:0])
	return g, w.err
}

// enc appends big-endian fields.
type enc struct{ b []byte }

func (e *enc) u8(v uint8)   { e.b = append(e.b, v) }
func (e *enc) u16(v uint16) { e.b = binary.BigEndian.AppendUint16(e.b, v) }
func (e *enc) u32(v uint32) { e.b = binary.BigEndian.AppendUint32(e.b, v) }
func (e *enc) u64(v uint64) { e.b = binary.BigEndian.AppendUint64(e.b, v) }
func (e *enc) raw(b []byte) { e.b = append(e.b, b...) }
func (e *enc) str(s string) { e.u16(uint16(len(s))); e.b = append(e.b, s...) }

// checkEntry validates an entry against the format's rules; last is the
// previous path ("" for none), n the entries so far.
func checkEntry(en *Entry, last string, n uint64) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: entry %d (%q): %s", ErrManifest, n, en.Path, fmt.Sprintf(format, args...))
	}
	if en.Path == "." {
		// The top directory, first if at all.
		if n != 0 || en.Type != TypeDir {
			return bad("\".\" must be the first entry, a directory")
		}
	} else if err := validPath(en.Path); err != nil {
		return bad("%v", err)
	}
	if n > 0 && comparePaths(last, en.Path) >= 0 {
		return bad("not after %q in canonical order", last)
	}
	if en.Mode&^0o7777 != 0 {
		return bad("mode %#o has more than permission bits", en.Mode)
	}
	switch en.Type {
	case TypeFile:
		if en.Size < 0 || en.Size > MaxSize {
			return bad("size %d out of range", en.Size)
		}
		if int64(len(en.Chunks)) != NumChunks(en.Size) {
			return bad("%d chunk hashes for %d bytes", len(en.Chunks), en.Size)
		}
		if FileRoot(en.Size, en.Chunks) != en.Root {
			return bad("root does not match the chunk hashes")
		}
		if en.Weak != nil && len(en.Weak) != len(en.Chunks) {
			return bad("%d weak checksums for %d chunks", len(en.Weak), len(en.Chunks))
		}
	case TypeDir, TypeSymlink, TypeChar, TypeBlock, TypeFIFO, TypeSocket:
		if en.Size != 0 || len(en.Chunks) != 0 {
			return bad("size or chunks on a non-file")
		}
		if en.Type == TypeSymlink && (en.Target == "" || len(en.Target) > MaxPath) {
			return bad("symlink target of %d bytes", len(en.Target))
		}
	default:
		return bad("unknown type %d", en.Type)
	}
	if en.Type != TypeSymlink && en.Target != "" {
		return bad("target on a non-symlink")
	}
	if en.Type != TypeChar && en.Type != TypeBlock && en.Rdev != 0 {
		return bad("device number on a non-device")
	}
	if len(en.User) > maxName || len(en.Group) > maxName {
		return bad("owner name over %d bytes", maxName)
	}
	return nil
}
