package swarm

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// writeTree makes files (name -> content; a trailing "/" makes a
// directory, "@target" a symlink) under dir with a fixed mtime.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	mt := time.Unix(1700000000, 123456789)
	for name, c := range files {
		p := filepath.Join(dir, name)
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if target, ok := strings.CutPrefix(c, "@"); ok {
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mt, mt); err != nil {
			t.Fatal(err)
		}
	}
}

// buildManifest builds and signs the manifest of dir.
func buildManifest(t *testing.T, dir string, key ed25519.PrivateKey) ([]byte, Hash) {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	var b bytes.Buffer
	gen, err := Build(t.Context(), root, "mod", 42, &b)
	if err != nil {
		t.Fatal(err)
	}
	b.Write(Trailer(key, gen))
	return b.Bytes(), gen
}

func testKey(t *testing.T, seed byte) ed25519.PrivateKey {
	t.Helper()
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32))
}

func TestManifestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	big := strings.Repeat("x", ChunkSize+100)
	writeTree(t, dir, map[string]string{"a/b": "hello", "a.c": "", "a/big": big, "d/": "", "l": "@a/b"})
	key := testKey(t, 1)
	m, gen := buildManifest(t, dir, key)
	got, err := Verify(bytes.NewReader(m), int64(len(m)), key.Public().(ed25519.PublicKey))
	if err != nil || got != gen {
		t.Fatalf("Verify = %x, %v; want %x", got, err, gen)
	}
	var paths []string
	var bigEntry *Entry
	err = ForEach(iotest.OneByteReader(bytes.NewReader(m)), int64(len(m)), func(e *Entry) error {
		paths = append(paths, e.Path)
		if e.Path == "a/big" {
			bigEntry = e
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := ". a a/b a/big a.c d l"; strings.Join(paths, " ") != want {
		t.Fatalf("paths %q, want %q", strings.Join(paths, " "), want)
	}
	if bigEntry == nil || len(bigEntry.Chunks) != 2 || bigEntry.Chunks[1] != ChunkHash([]byte(big[ChunkSize:])) ||
		bigEntry.MTime != time.Unix(1700000000, 123456789).UnixNano() || bigEntry.Mode != 0o644 {
		t.Fatalf("a/big entry %+v", bigEntry)
	}
}

func TestManifestTamperedRefused(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"f": "content", "g": "more"})
	key := testKey(t, 1)
	pub := key.Public().(ed25519.PublicKey)
	m, _ := buildManifest(t, dir, key)
	other := testKey(t, 2)
	forged, _ := buildManifest(t, dir, other)
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"byte of the body flipped", flip(m, len(m)/2), ErrSignature},
		{"signature flipped", flip(m, len(m)-1), ErrSignature},
		{"signed by another key", forged, ErrWrongKey},
		{"truncated", m[:len(m)-TrailerSize-3], ErrWrongKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Verify(bytes.NewReader(tc.data), int64(len(tc.data)), pub)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 1
	return c
}

func TestManifestWriterRefusesBadEntries(t *testing.T) {
	tests := []struct {
		name string
		e    Entry
	}{
		{"dotdot", Entry{Path: "../x", Type: TypeDir}},
		{"absolute", Entry{Path: "/x", Type: TypeDir}},
		{"out of order", Entry{Path: "a", Type: TypeDir}},
		{"bad root", Entry{Path: "z", Type: TypeFile, Size: 1, Chunks: []Hash{{}}}},
		{"chunk count", Entry{Path: "z", Type: TypeFile, Size: ChunkSize + 1, Chunks: []Hash{{}}}},
		{"mode type bits", Entry{Path: "z", Type: TypeDir, Mode: 0o40755}},
		{"unknown type", Entry{Path: "z", Type: 9}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := NewWriter(io.Discard, Header{Module: "m"})
			if err := w.Add(&Entry{Path: "b", Type: TypeDir}); err != nil {
				t.Fatal(err)
			}
			if err := w.Add(&tc.e); !errors.Is(err, ErrManifest) {
				t.Fatalf("Add = %v, want ErrManifest", err)
			}
		})
	}
}

func FuzzManifestReader(f *testing.F) {
	dir := f.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), []byte("data"), 0o644)
	os.Mkdir(filepath.Join(dir, "d"), 0o755)
	os.Symlink("f", filepath.Join(dir, "d", "l"))
	root, _ := os.OpenRoot(dir)
	var b bytes.Buffer
	Build(f.Context(), root, "m", 1, &b)
	root.Close()
	f.Add(b.Bytes())
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		last := ""
		for range 1000 {
			e, err := r.Next()
			if err != nil {
				return
			}
			first := last == "" && e.Path == "." && e.Type == TypeDir
			if !first && validPath(e.Path) != nil || (last != "" && comparePaths(last, e.Path) >= 0) {
				t.Fatalf("decoder let %q through after %q", e.Path, last)
			}
			if e.Type == TypeFile && FileRoot(e.Size, e.Chunks) != e.Root {
				t.Fatalf("decoder let a bad root through")
			}
			last = e.Path
		}
	})
}

// entryOf returns path's entry in the origin's current manifest.
func entryOf(t *testing.T, o *Origin, path string) *Entry {
	t.Helper()
	g, err := o.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(g.File)
	defer f.Close()
	var found *Entry
	ForEach(f, g.Size, func(e *Entry) error {
		if e.Path == path {
			found = e
		}
		return nil
	})
	if found == nil {
		t.Fatalf("%s not in the manifest", path)
	}
	return found
}

// TestOriginReusesHashes: a new generation reads only the files whose
// size or mtime changed; the others keep their hashes (the quick check,
// as rsync's: a same-size rewrite that restores the mtime is not seen).
func TestOriginReusesHashes(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a": "first a", "b": "first b"})
	o := newTestOrigin(t, dir, testKey(t, 3))
	a1, b1 := entryOf(t, o, "a"), entryOf(t, o, "b")
	writeTree(t, dir, map[string]string{"a": "other a"}) // same size, mtime restored
	os.WriteFile(filepath.Join(dir, "b"), []byte("second b, longer"), 0o644)
	a2, b2 := entryOf(t, o, "a"), entryOf(t, o, "b")
	if a2.Root != a1.Root {
		t.Fatalf("a was hashed again")
	}
	if b2.Root == b1.Root || b2.Chunks[0] != ChunkHash([]byte("second b, longer")) {
		t.Fatalf("b not hashed again")
	}
}
