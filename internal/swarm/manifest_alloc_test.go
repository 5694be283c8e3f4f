package swarm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"runtime"
	"testing"
)

// TestManifestDeclaredSizeAllocation: an entry declaring a 1 TiB file
// (1 Mi chunk hashes, 32 MiB) followed by one hash and the end of the
// stream is refused having allocated in proportion to what was received,
// not to what was declared (32 MiB were allocated at once before).
func TestManifestDeclaredSizeAllocation(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, Header{Module: "m"})
	chunks := make([]Hash, 1)
	if err := w.Add(&Entry{Path: "f", Type: TypeFile, Mode: 0o644, Size: ChunkSize, Root: FileRoot(ChunkSize, chunks), Chunks: chunks, Weak: make([]uint32, 1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// The header (magic, version u16, chunk size u32, created u64, module
	// "m" as u16 length and byte), then the entry: 'E', path (u16 length,
	// "f"), type, mode u32, then size u64.
	const header = len(magic) + 2 + 4 + 8 + 2 + 1
	if b[header] != tagEntry {
		t.Fatalf("no entry at %d", header)
	}
	at := header + 1 + 2 + 1 + 1 + 4
	if binary.BigEndian.Uint64(b[at:]) != ChunkSize {
		t.Fatalf("size not found at %d", at)
	}
	binary.BigEndian.PutUint64(b[at:], MaxSize)
	b = b[:at+8+8+12+32+32] // mtime, owners (empty names), root, one chunk hash: then the stream ends

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r, err := NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Next()
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrManifest) {
		t.Fatalf("Next: %v, want ErrManifest", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Errorf("decoding the truncated entry allocated %d KiB, want < 1 MiB", got>>10)
	}
}
