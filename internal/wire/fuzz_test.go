package wire

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode feeds arbitrary payloads to every message decoder: it must
// never panic, and whatever it accepts must re-encode to something that
// decodes to the same message.
func FuzzDecode(f *testing.F) {
	for _, m := range sampleMessages() {
		f.Add(byte(m.Type()), Marshal(m))
	}
	f.Fuzz(func(t *testing.T, typ byte, payload []byte) {
		m, err := Decode(Type(typ), payload)
		if err != nil || m == nil {
			return
		}
		again, err := Decode(Type(typ), Marshal(m))
		if err != nil {
			t.Fatalf("re-decode of accepted %T: %v", m, err)
		}
		if !bytes.Equal(Marshal(again), Marshal(m)) {
			t.Fatalf("%T not stable across a round trip", m)
		}
	})
}

// FuzzFrameReader reads frames, the handshake included, from arbitrary
// streams: no panic, no allocation beyond MaxPayload.
func FuzzFrameReader(f *testing.F) {
	for _, m := range sampleMessages() {
		var buf bytes.Buffer
		fw := NewFrameWriter(&buf)
		fw.WriteMsg(m)
		fw.Flush()
		f.Add(buf.Bytes())
	}
	var hello bytes.Buffer
	WriteHello(NewFrameWriter(&hello), &Hello{MinVersion: 1, MaxVersion: 1, Caps: []string{"x"}})
	f.Add(hello.Bytes())
	f.Fuzz(func(t *testing.T, in []byte) {
		if _, err := ReadHello(NewFrameReader(bytes.NewReader(in))); err == nil {
			return
		}
		fr := NewFrameReader(bytes.NewReader(in))
		for range 64 {
			if _, err := fr.ReadMsg(); err != nil && fr.BytesRead() > int64(len(in)) {
				t.Fatalf("read %d bytes from a %d-byte stream", fr.BytesRead(), len(in))
			} else if err != nil {
				return
			}
		}
	})
}

var updateCorpus = flag.Bool("update-corpus", false, "rewrite the committed fuzz seed corpus in testdata/fuzz")

// TestWriteCorpus rewrites testdata/fuzz/* from sampleMessages when run
// with -update-corpus.
func TestWriteCorpus(t *testing.T) {
	if !*updateCorpus {
		t.Skip("run with -update-corpus to rewrite the seed corpus")
	}
	for name, m := range sampleMessages() {
		p := Marshal(m)
		writeSeed(t, "FuzzDecode", name, fmt.Sprintf("byte(%q)\n[]byte(%q)\n", byte(m.Type()), p))
		var buf bytes.Buffer
		fw := NewFrameWriter(&buf)
		fw.WriteMsg(m)
		fw.Flush()
		writeSeed(t, "FuzzFrameReader", name, fmt.Sprintf("[]byte(%q)\n", buf.Bytes()))
	}
}

func writeSeed(t *testing.T, fuzz, name, body string) {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", fuzz)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte("go test fuzz v1\n"+body), 0o644); err != nil {
		t.Fatal(err)
	}
}
