package wire

import (
	"encoding/binary"
	"errors"
	"runtime"
	"strings"
	"testing"
)

// prefixBomb is an Entries payload of n entries of 12 bytes each whose
// paths, coded as a prefix of the one before plus one byte, are 64 KiB
// long each.
func prefixBomb(n int) []byte {
	b := binary.AppendUvarint(nil, uint64(n))
	for i := range n {
		p := MaxString - 1
		if i == 0 {
			p = 0
		}
		b = binary.AppendUvarint(b, uint64(p))
		rest := "x"
		if i == 0 {
			rest = strings.Repeat("a", MaxString)
		}
		b = appendString(b, rest)
		b = append(b, 1)    // type
		b = append(b, 0)    // fields
		b = append(b, 0, 0) // mode, size
		b = append(b, 0)    // mtime
		b = append(b, 0, 0) // uid, gid
	}
	return b
}

// TestEntriesPrefixBomb: a payload under MaxPayload must not decode into
// gigabytes of paths; the decoder stops past MaxEntriesBytes.
func TestEntriesPrefixBomb(t *testing.T) {
	payload := prefixBomb(80_000) // about 1 MiB; 5 GiB of paths
	if len(payload) > MaxPayload {
		t.Fatalf("payload of %d bytes", len(payload))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Decode(TypeEntries, payload)
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("decoding a %d-byte Entries payload allocated %d MiB", len(payload), alloc>>20)
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("decode: %v, want ErrMalformed", err)
	}
	if alloc > 2*MaxEntriesBytes+2*MaxPayload {
		t.Errorf("decoding allocated %d MiB", alloc>>20)
	}
}
