package wire

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
)

func textData(n int) []byte {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "line %d: the quick brown fox jumps over the lazy dog\n", i)
	}
	return []byte(b.String()[:n])
}

func randomData(n int) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{1})
	r.Read(b)
	return b
}

func manyEntries(n int) *Entries {
	var es []Entry
	for i := range n {
		es = append(es, Entry{Path: fmt.Sprintf("dir/file%04d", i), Type: 1, Mode: 0o644, Size: 1234, MTime: 1700000000e9, UID: 1000, GID: 1000})
	}
	return &Entries{Entries: es}
}

func newCodec(t testing.TB) (*Compressor, *Decompressor) {
	t.Helper()
	c, err := NewCompressor(0, 2)
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDecompressor()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return c, d
}

func TestCompressRoundTrip(t *testing.T) {
	c, d := newCodec(t)
	cases := []struct {
		name    string
		m       Message
		smaller bool // the compressed form must be much smaller
	}{
		{"text", &Data{ID: 3, Ops: []Op{{Kind: OpLiteral, Data: textData(MaxLiteral)}, {Kind: OpCopy, Offset: 7, Length: 9}}}, true},
		{"random", &Data{ID: 4, Ops: []Op{{Kind: OpLiteral, Data: randomData(64 << 10)}}}, false},
		{"entries", &Entries{Entries: append(sampleMessages()["entries"].(*Entries).Entries, manyEntries(3).Entries...)}, false},
		{"many-entries", manyEntries(500), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			z := c.Compress(tc.m, nil)
			if z == nil {
				t.Fatal("Compress returned nil")
			}
			raw := Marshal(tc.m)
			if z.RawLen != uint64(len(raw)) || z.Inner != tc.m.Type() {
				t.Fatalf("header = %#x/%d, want %#x/%d", uint8(z.Inner), z.RawLen, uint8(tc.m.Type()), len(raw))
			}
			if tc.smaller && len(z.Z)*4 > len(raw) {
				t.Errorf("compressed %d of %d bytes: expected better than 4:1", len(z.Z), len(raw))
			}
			// Through a frame, read one byte at a time.
			var buf bytes.Buffer
			fw := NewFrameWriter(&buf)
			if err := fw.WriteMsg(z); err != nil {
				t.Fatal(err)
			}
			fw.Flush()
			got, err := NewFrameReader(iotest.OneByteReader(&buf)).ReadMsg()
			if err != nil {
				t.Fatal(err)
			}
			m, err := d.Decompress(got.(*Compressed))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(Marshal(m), raw) {
				t.Fatal("decompressed message differs from the original")
			}
		})
	}
}

func TestCompressDeclines(t *testing.T) {
	c, _ := newCodec(t)
	for name, m := range map[string]Message{
		"not-compressible": &FileEnd{ID: 1, Size: 2, Sum: make([]byte, 32)},
		"too-small":        &Data{ID: 1, Ops: []Op{{Kind: OpLiteral, Data: []byte("tiny")}}},
	} {
		t.Run(name, func(t *testing.T) {
			if z := c.Compress(m, nil); z != nil {
				t.Errorf("Compress = %d bytes, want nil", len(z.Z))
			}
		})
	}
	if _, err := NewCompressor(23, 1); err == nil {
		t.Error("NewCompressor(23) succeeded")
	}
}

func TestDecompressRejects(t *testing.T) {
	c, d := newCodec(t)
	text := &Data{ID: 1, Ops: []Op{{Kind: OpLiteral, Data: textData(100 << 10)}}}
	good := c.Compress(text, nil)
	// A bomb: a megabyte of zeros compresses to a few bytes; claiming a
	// small RawLen must not make the decoder write more than that.
	bomb := c.Compress(&Data{ID: 1, Ops: []Op{{Kind: OpLiteral, Data: make([]byte, MaxLiteral)}}}, nil)
	cases := []struct {
		name string
		z    *Compressed
		want error
	}{
		{"raw-len-short", &Compressed{Inner: TypeData, RawLen: good.RawLen - 1, Z: good.Z}, ErrDecompress},
		{"raw-len-long", &Compressed{Inner: TypeData, RawLen: good.RawLen + 1, Z: good.Z}, ErrDecompress},
		{"bomb", &Compressed{Inner: TypeData, RawLen: 100, Z: bomb.Z}, ErrDecompress},
		{"garbage", &Compressed{Inner: TypeData, RawLen: 10, Z: []byte("not zstd at all")}, ErrDecompress},
		{"truncated", &Compressed{Inner: TypeData, RawLen: good.RawLen, Z: good.Z[:len(good.Z)/2]}, ErrDecompress},
		{"inner-hello", &Compressed{Inner: TypeHello, RawLen: good.RawLen, Z: good.Z}, ErrMalformed},
		{"inner-mismatch", &Compressed{Inner: TypeEntries, RawLen: good.RawLen, Z: good.Z}, ErrMalformed},
		{"too-large", &Compressed{Inner: TypeData, RawLen: MaxPayload + 1, Z: good.Z}, ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := d.Decompress(tc.z); !errors.Is(err, tc.want) {
				t.Errorf("Decompress = %v, want %v", err, tc.want)
			}
		})
	}
	// The decoder is still usable after failures.
	m, err := d.Decompress(good)
	if err != nil || !bytes.Equal(Marshal(m), Marshal(text)) {
		t.Fatalf("Decompress after failures = %v", err)
	}
}

func TestCompressedDecode(t *testing.T) {
	cases := []struct {
		name    string
		payload []byte
		ok      bool
	}{
		{"ok", []byte{byte(TypeData), 5, 1, 2, 3}, true},
		{"entries", []byte{byte(TypeEntries), 5, 1}, true},
		{"no-data", []byte{byte(TypeData), 5}, false},
		{"nested", []byte{byte(TypeCompressed), 5, 1}, false},
		{"control", []byte{byte(TypeGoodbye), 5, 1}, false},
		{"too-long", append([]byte{byte(TypeData)}, append(appendUvarint(nil, MaxPayload+1), 1)...), false},
		{"empty", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(TypeCompressed, tc.payload)
			if (err == nil) != tc.ok {
				t.Errorf("Decode = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestCompressOptions(t *testing.T) {
	cases := []struct {
		name string
		m    *CompressOptions
		ok   bool
	}{
		{"default", &CompressOptions{}, true},
		{"full", &CompressOptions{Level: 19, Skip: []string{"gz", "zip", "tar.gz"}}, true},
		{"level", &CompressOptions{Level: 23}, false},
		{"empty-suffix", &CompressOptions{Skip: []string{""}}, false},
		{"long-suffix", &CompressOptions{Skip: []string{strings.Repeat("x", MaxSkipSuffix+1)}}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode(TypeCompressOptions, Marshal(tc.m))
			if (err == nil) != tc.ok {
				t.Fatalf("Decode = %v, want ok=%v", err, tc.ok)
			}
			if err == nil && !bytes.Equal(Marshal(m), Marshal(tc.m)) {
				t.Error("round trip changed the message")
			}
		})
	}
	if !TypeCompressOptions.Optional() || TypeCompressed.Optional() {
		t.Error("CompressOptions must be optional and Compressed required")
	}
}

// compressSeeds are FuzzCompressed's seed payloads (Compressed messages).
func compressSeeds(t testing.TB) map[string][]byte {
	c, _ := newCodec(t)
	text := c.Compress(&Data{ID: 1, Ops: []Op{{Kind: OpLiteral, Data: textData(8 << 10)}, {Kind: OpCopy, Offset: 1, Length: 2}}}, nil)
	ents := c.Compress(manyEntries(20), nil)
	zeros := c.Compress(&Data{ID: 2, Ops: []Op{{Kind: OpLiteral, Data: make([]byte, 64<<10)}}}, nil)
	bomb := *zeros
	bomb.RawLen = 200
	return map[string][]byte{
		"text":    Marshal(text),
		"entries": Marshal(ents),
		"zeros":   Marshal(zeros),
		"bomb":    Marshal(&bomb),
		"garbage": Marshal(&Compressed{Inner: TypeData, RawLen: 3, Z: []byte{0x28, 0xb5, 0x2f, 0xfd, 0, 0}}),
	}
}

// FuzzCompressed feeds arbitrary Compressed payloads to the decoder and the
// decompressor: no panic, and whatever is accepted decompressed to exactly
// RawLen bytes of a valid message.
func FuzzCompressed(f *testing.F) {
	for _, p := range compressSeeds(f) {
		f.Add(p)
	}
	d, err := NewDecompressor()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		m, err := Decode(TypeCompressed, payload)
		if err != nil {
			return
		}
		z := m.(*Compressed)
		inner, err := d.Decompress(z)
		if err != nil {
			return
		}
		if inner.Type() != z.Inner || uint64(len(Marshal(inner))) > MaxPayload {
			t.Fatalf("decompressed %T from inner type %#x", inner, uint8(z.Inner))
		}
	})
}

// TestWriteCompressCorpus rewrites testdata/fuzz/FuzzCompressed with
// -update-corpus.
func TestWriteCompressCorpus(t *testing.T) {
	if !*updateCorpus {
		t.Skip("run with -update-corpus to rewrite the seed corpus")
	}
	for name, p := range compressSeeds(t) {
		writeSeed(t, "FuzzCompressed", name, fmt.Sprintf("[]byte(%q)\n", p))
	}
}

func BenchmarkCompressText(b *testing.B) {
	c, d := newCodec(b)
	m := &Data{ID: 1, Ops: []Op{{Kind: OpLiteral, Data: textData(128 << 10)}}}
	b.SetBytes(128 << 10)
	for b.Loop() {
		z := c.Compress(m, nil)
		if _, err := d.Decompress(z); err != nil {
			b.Fatal(err)
		}
	}
}
