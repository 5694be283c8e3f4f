package swarm

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
)

var updateVectors = flag.Bool("update", false, "rewrite docs/vectors/swarm-manifest.json from the code")

const vectorsFile = "../../docs/vectors/swarm-manifest.json"

// manifestVector is a manifest built from fixed entries and signed with
// a fixed key, for a second implementation to check its encoder, hashes
// and signature against (docs/DAEMON.md §10.2).
type manifestVector struct {
	Comment    string            `json:"comment"`
	KeySeed    string            `json:"ed25519_seed"`
	PublicKey  string            `json:"public_key"`
	Files      map[string]string `json:"file_contents"`
	Manifest   string            `json:"manifest_hex"`
	Generation string            `json:"generation"`
}

func buildVector() manifestVector {
	seed := bytes.Repeat([]byte{0x42}, 32)
	key := ed25519.NewKeyFromSeed(seed)
	files := map[string]string{"a/hello.txt": "hello, swarm\n", "b": strings.Repeat("z", ChunkSize+3)}
	file := func(path, content string, mode uint32, mtime int64) *Entry {
		e := &Entry{Path: path, Type: TypeFile, Mode: mode, Size: int64(len(content)), MTime: mtime}
		for off := 0; off < len(content); off += ChunkSize {
			b := []byte(content[off:min(off+ChunkSize, len(content))])
			e.Chunks = append(e.Chunks, ChunkHash(b))
			e.Weak = append(e.Weak, WeakSum(b))
		}
		e.Root = FileRoot(e.Size, e.Chunks)
		if e.Weak == nil {
			e.Weak = []uint32{}
		}
		return e
	}
	var buf bytes.Buffer
	w := NewWriter(&buf, Header{Module: "data", Created: 1700000000000000000})
	for _, e := range []*Entry{
		{Path: ".", Type: TypeDir, Mode: 0o755, MTime: 1700000000000000000},
		{Path: "a", Type: TypeDir, Mode: 0o750, MTime: 1700000001000000000},
		file("a/hello.txt", files["a/hello.txt"], 0o644, 1700000002123456789),
		{Path: "a/link", Type: TypeSymlink, Mode: 0o777, MTime: 1700000003000000000, Target: "hello.txt"},
		file("b", files["b"], 0o600, 1700000004000000000),
		file("empty", "", 0o644, 1700000005000000000),
	} {
		if err := w.Add(e); err != nil {
			panic(err)
		}
	}
	gen, err := w.Close()
	if err != nil {
		panic(err)
	}
	buf.Write(Trailer(key, gen))
	files["b"] = "\"z\" repeated 1048579 times"
	files["empty"] = ""
	return manifestVector{
		Comment: "manifest format version 2, docs/DAEMON.md §11.2: entries . (0755), a (0750), a/hello.txt (0644), a/link -> hello.txt, b (0600, 2 chunks), empty (0644); mtimes in the manifest",
		KeySeed: hex.EncodeToString(seed), PublicKey: FormatKey(key.Public().(ed25519.PublicKey)), Files: files,
		Manifest: hex.EncodeToString(buf.Bytes()), Generation: hex.EncodeToString(gen[:]),
	}
}

func TestManifestVectors(t *testing.T) {
	v := buildVector()
	if *updateVectors {
		b, _ := json.MarshalIndent(v, "", "  ")
		if err := os.WriteFile(vectorsFile, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(vectorsFile)
	if err != nil {
		t.Fatal(err)
	}
	var want manifestVector
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	if want.Manifest != v.Manifest || want.Generation != v.Generation || want.PublicKey != v.PublicKey {
		t.Fatalf("%s differs from the code (go test ./internal/swarm -run Vectors -update)", vectorsFile)
	}
	m, _ := hex.DecodeString(want.Manifest)
	pub, _ := ParseKey(want.PublicKey)
	gen, err := Verify(bytes.NewReader(m), int64(len(m)), pub)
	if err != nil || hex.EncodeToString(gen[:]) != want.Generation {
		t.Fatalf("Verify = %x, %v", gen, err)
	}
	n := 0
	if err := ForEach(bytes.NewReader(m), int64(len(m)), func(*Entry) error { n++; return nil }); err != nil || n != 6 {
		t.Fatalf("ForEach: %d entries, %v", n, err)
	}
}

// TestManifestV1Read: a version 1 manifest (without weak checksums, the
// vector of docs/vectors/swarm-manifest-v1.json) still verifies and reads,
// its files without weak checksums.
func TestManifestV1Read(t *testing.T) {
	data, err := os.ReadFile("../../docs/vectors/swarm-manifest-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	var v manifestVector
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	m, _ := hex.DecodeString(v.Manifest)
	pub, _ := ParseKey(v.PublicKey)
	if _, err := Verify(bytes.NewReader(m), int64(len(m)), pub); err != nil {
		t.Fatal(err)
	}
	files := 0
	err = ForEach(bytes.NewReader(m), int64(len(m)), func(e *Entry) error {
		if e.Type == TypeFile {
			files++
			if e.Weak != nil {
				t.Errorf("%s: weak checksums in a version 1 manifest", e.Path)
			}
		}
		return nil
	})
	if err != nil || files != 3 {
		t.Fatalf("ForEach: %d files, %v", files, err)
	}
}

// TestWeakSumRolls: rolling the window gives the sum of the window.
func TestWeakSumRolls(t *testing.T) {
	b := []byte(strings.Repeat("the quick brown fox jumps over the lazy dog ", 50))
	const n = 100
	r := newRoller(b[:n])
	for i := 1; i+n <= len(b); i++ {
		r.roll(b[i-1], b[i+n-1])
		if r.sum() != WeakSum(b[i:i+n]) {
			t.Fatalf("offset %d: rolled %08x, want %08x", i, r.sum(), WeakSum(b[i:i+n]))
		}
	}
}
