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
		e := &Entry{Path: path, Type: TypeFile, Mode: mode, Size: int64(len(content)), MTime: mtime, Owners: true, UID: 1000, GID: 1000, User: "ann", Group: "staff"}
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
		{Path: ".", Type: TypeDir, Mode: 0o755, MTime: 1700000000000000000, Owners: true, User: "root", Group: "root"},
		{Path: "a", Type: TypeDir, Mode: 0o750, MTime: 1700000001000000000, Owners: true, UID: 1000, GID: 50, User: "ann", Group: "staff"},
		file("a/hello.txt", files["a/hello.txt"], 0o644, 1700000002123456789),
		{Path: "a/link", Type: TypeSymlink, Mode: 0o777, MTime: 1700000003000000000, Target: "hello.txt", Owners: true, UID: 1000, GID: 50, User: "ann", Group: "staff"},
		file("b", files["b"], 0o600, 1700000004000000000),
		{Path: "dev", Type: TypeDir, Mode: 0o755, MTime: 1700000004500000000, Owners: true},
		{Path: "dev/fifo", Type: TypeFIFO, Mode: 0o640, MTime: 1700000004600000000, Owners: true, UID: 7, GID: 8},
		{Path: "dev/null", Type: TypeChar, Mode: 0o666, MTime: 1700000004700000000, Rdev: 0x103, Owners: true},
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
		Comment: "manifest format version 3, docs/DAEMON.md §11.2: entries . (0755, 0:0 root:root), a (0750, 1000:50 ann:staff), a/hello.txt (0644, 1000:1000 ann:staff), a/link -> hello.txt (1000:50 ann:staff), b (0600, 2 chunks, 1000:1000 ann:staff), dev (0755, 0:0, no names), dev/fifo (FIFO 0640, 7:8, no names), dev/null (character device 1,3: rdev 0x103, 0666, 0:0), empty (0644, 1000:1000 ann:staff); mtimes in the manifest",
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
	if err := ForEach(bytes.NewReader(m), int64(len(m)), func(*Entry) error { n++; return nil }); err != nil || n != 9 {
		t.Fatalf("ForEach: %d entries, %v", n, err)
	}
}

// TestManifestOldVersionsRead: version 1 and 2 manifests (the vectors
// docs/vectors/swarm-manifest-v1.json, without weak checksums, and
// -v2.json, without owners) still verify and read.
func TestManifestOldVersionsRead(t *testing.T) {
	for _, version := range []string{"v1", "v2"} {
		t.Run(version, func(t *testing.T) {
			data, err := os.ReadFile("../../docs/vectors/swarm-manifest-" + version + ".json")
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
				if e.Owners {
					t.Errorf("%s: owners in a version %s manifest", e.Path, version)
				}
				if e.Type == TypeFile {
					files++
					if (e.Weak != nil) != (version != "v1") {
						t.Errorf("%s: weak checksums %v in a version %s manifest", e.Path, e.Weak, version)
					}
				}
				return nil
			})
			if err != nil || files != 3 {
				t.Fatalf("ForEach: %d files, %v", files, err)
			}
		})
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
