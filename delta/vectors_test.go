package delta

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/zeebo/blake3"
	"github.com/zeebo/xxh3"
)

var updateVectors = flag.Bool("update", false, "rewrite docs/vectors/hashes.json from the code")

// hashVectorsFile holds the test vectors of docs/PROTOCOL.md section 12
// (hashes and block sizes). The test checks the code against them, so the
// published values cannot drift from what ferry computes.
const hashVectorsFile = "../docs/vectors/hashes.json"

type hashVectors struct {
	Comment []string `json:"comment"`
	Weak    []struct {
		Input string `json:"input"`
		Sum   string `json:"sum"`
	} `json:"weak"`
	Roll []struct {
		Window string `json:"window"`
		Out    string `json:"out"`
		In     string `json:"in"`
		Before string `json:"before"`
		After  string `json:"after"`
	} `json:"roll"`
	Strong []struct {
		Seed      string `json:"seed"`
		Input     string `json:"input"`
		StrongLen int    `json:"strong_len"`
		XXH3      string `json:"xxh3_128"`
		Wire      string `json:"strong"`
	} `json:"strong"`
	FileSum []struct {
		Seed   string `json:"seed"`
		Input  string `json:"input"`
		XXH3   string `json:"sum_xxh3"`
		BLAKE3 string `json:"sum_blake3"`
	} `json:"file_sum"`
	BlockParams []struct {
		BasisSize  int64 `json:"basis_size"`
		BlockLen   int   `json:"block_len"`
		StrongLen  int   `json:"strong_len"`
		BlockCount int64 `json:"block_count"`
	} `json:"block_params"`
}

// vecInput is the deterministic test input of n bytes: byte i is
// (i*7 + 3) mod 256.
func vecInput(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i*7 + 3)
	}
	return p
}

func hex32(v uint32) string { return fmt.Sprintf("0x%08x", v) }

func parseU64(t *testing.T, s string) uint64 {
	t.Helper()
	v, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		t.Fatalf("vector value %q: %v", s, err)
	}
	return v
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("vector hex %q: %v", s, err)
	}
	return b
}

// definedRabinKarp is PROTOCOL.md's definition of the weak sum, computed
// term by term: 1·M^n + Σ b[i]·M^(n-1-i) mod 2^32.
func definedRabinKarp(p []byte) uint32 {
	pow := func(k int) uint32 {
		r := uint32(1)
		for range k {
			r *= rkMult
		}
		return r
	}
	h := pow(len(p))
	for i, b := range p {
		h += uint32(b) * pow(len(p)-1-i)
	}
	return h
}

func generateHashVectors() hashVectors {
	var v hashVectors
	v.Comment = []string{
		"Test vectors of docs/PROTOCOL.md section 12; checked by delta/vectors_test.go (go test ./delta -run Vectors -update rewrites them).",
		"Byte strings are lower-case hex. 'input' values are the bytes given; the longer ones are byte i = (i*7 + 3) mod 256.",
		"weak: RabinKarp sum (u32, sent big-endian in SigBlocks and RefineSig). roll: the sum of window, then after out leaves and in enters.",
		"strong: XXH3-128 with the seed as a u64, digest as 16 bytes high 64 bits first, each half big-endian; 'strong' is its first strong_len bytes as sent.",
		"file_sum: FileEnd's sum: sum_xxh3 with capability sum-xxh3 (seeded with Run.seed), else sum_blake3 (BLAKE3-256, unkeyed).",
		"block_params: what a ferry receiver signs a basis of basis_size bytes with (FileRequest's block_len, strong_len, block_count).",
		"refine_block_len: the small block length ferry's sender uses for a literal region of region_len bytes (strong_len 6).",
	}
	rk := RabinKarp()
	inputs := [][]byte{nil, []byte("a"), []byte("abc"), []byte("ferry"), vecInput(16), vecInput(17), vecInput(100)}
	for _, in := range inputs {
		v.Weak = append(v.Weak, struct {
			Input string `json:"input"`
			Sum   string `json:"sum"`
		}{hex.EncodeToString(in), hex32(rk.Sum(in))})
	}
	for _, c := range []struct {
		win     []byte
		out, in byte
	}{{[]byte("abcd"), 'a', 'e'}, {vecInput(16), 3, 0xff}} {
		r := rk.NewRoller()
		r.Reset(c.win)
		before := r.Sum32()
		r.Roll(c.out, c.in)
		v.Roll = append(v.Roll, struct {
			Window string `json:"window"`
			Out    string `json:"out"`
			In     string `json:"in"`
			Before string `json:"before"`
			After  string `json:"after"`
		}{hex.EncodeToString(c.win), hex.EncodeToString([]byte{c.out}), hex.EncodeToString([]byte{c.in}), hex32(before), hex32(r.Sum32())})
	}
	for _, c := range []struct {
		seed uint64
		in   []byte
		sl   int
	}{{0, nil, 16}, {0, []byte("abc"), 8}, {0x0123456789abcdef, []byte("ferry"), 8}, {0x0123456789abcdef, vecInput(512), 6}, {1, vecInput(100), 16}} {
		d := xxh3.Hash128Seed(c.in, c.seed).Bytes()
		v.Strong = append(v.Strong, struct {
			Seed      string `json:"seed"`
			Input     string `json:"input"`
			StrongLen int    `json:"strong_len"`
			XXH3      string `json:"xxh3_128"`
			Wire      string `json:"strong"`
		}{fmt.Sprintf("0x%016x", c.seed), hex.EncodeToString(c.in), c.sl, hex.EncodeToString(d[:]), hex.EncodeToString(d[:c.sl])})
	}
	for _, c := range []struct {
		seed uint64
		in   []byte
	}{{0x0123456789abcdef, nil}, {0x0123456789abcdef, []byte("hello, ferry\n")}} {
		d := xxh3.Hash128Seed(c.in, c.seed).Bytes()
		b := blake3.Sum256(c.in)
		v.FileSum = append(v.FileSum, struct {
			Seed   string `json:"seed"`
			Input  string `json:"input"`
			XXH3   string `json:"sum_xxh3"`
			BLAKE3 string `json:"sum_blake3"`
		}{fmt.Sprintf("0x%016x", c.seed), hex.EncodeToString(c.in), hex.EncodeToString(d[:]), hex.EncodeToString(b[:])})
	}
	for _, size := range []int64{1, 1000, 262144, 262145, 1 << 20, 10_000_000, 1 << 30, 100 << 30, 1 << 40} {
		p := FerryParams(size, 0)
		v.BlockParams = append(v.BlockParams, struct {
			BasisSize  int64 `json:"basis_size"`
			BlockLen   int   `json:"block_len"`
			StrongLen  int   `json:"strong_len"`
			BlockCount int64 `json:"block_count"`
		}{size, p.BlockLen, p.StrongLen, (size + int64(p.BlockLen) - 1) / int64(p.BlockLen)})
	}
	return v
}

// TestHashVectors checks the code against docs/vectors/hashes.json and the
// weak sum against its written definition.
func TestHashVectors(t *testing.T) {
	gen := generateHashVectors()
	if *updateVectors {
		b, err := json.MarshalIndent(gen, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(hashVectorsFile, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(hashVectorsFile)
	if err != nil {
		t.Fatal(err)
	}
	var v hashVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Weak) == 0 || len(v.Roll) == 0 || len(v.Strong) == 0 || len(v.FileSum) == 0 || len(v.BlockParams) == 0 {
		t.Fatal("a section of the vectors is empty")
	}
	rk := RabinKarp()
	for _, c := range v.Weak {
		in := unhex(t, c.Input)
		want := uint32(parseU64(t, c.Sum))
		if got := rk.Sum(in); got != want {
			t.Errorf("weak(%s) = %s, vectors say %s", c.Input, hex32(got), c.Sum)
		}
		if got := definedRabinKarp(in); got != want {
			t.Errorf("the definition gives weak(%s) = %s, vectors say %s", c.Input, hex32(got), c.Sum)
		}
	}
	for _, c := range v.Roll {
		win, out, in := unhex(t, c.Window), unhex(t, c.Out), unhex(t, c.In)
		r := rk.NewRoller()
		r.Reset(win)
		if got := r.Sum32(); hex32(got) != c.Before {
			t.Errorf("roll %s: before %s, vectors say %s", c.Window, hex32(got), c.Before)
		}
		r.Roll(out[0], in[0])
		if got := r.Sum32(); hex32(got) != c.After {
			t.Errorf("roll %s: after %s, vectors say %s", c.Window, hex32(got), c.After)
		}
		next := append(bytes.Clone(win[1:]), in[0])
		if got := rk.Sum(next); hex32(got) != c.After {
			t.Errorf("roll %s: the sum of the rolled window is %s, vectors say %s", c.Window, hex32(got), c.After)
		}
	}
	for _, c := range v.Strong {
		h := XXH3(parseU64(t, c.Seed))
		d := h.Sum(nil, unhex(t, c.Input))
		if hex.EncodeToString(d) != c.XXH3 || c.Wire != c.XXH3[:2*c.StrongLen] {
			t.Errorf("strong(seed %s, %s) = %x, vectors say %s (sent: %s)", c.Seed, c.Input, d, c.XXH3, c.Wire)
		}
	}
	for _, c := range v.FileSum {
		in := unhex(t, c.Input)
		d := xxh3.Hash128Seed(in, parseU64(t, c.Seed)).Bytes()
		b := blake3.Sum256(in)
		if hex.EncodeToString(d[:]) != c.XXH3 || hex.EncodeToString(b[:]) != c.BLAKE3 {
			t.Errorf("file sums of %q: %x %x, vectors say %s %s", c.Input, d, b, c.XXH3, c.BLAKE3)
		}
	}
	for _, c := range v.BlockParams {
		p := FerryParams(c.BasisSize, 7)
		s, err := NewSignature(p)
		if err != nil {
			t.Fatal(err)
		}
		if p.BlockLen != c.BlockLen || p.StrongLen != c.StrongLen || s.StrongLen != c.StrongLen {
			t.Errorf("basis of %d bytes: block %d strong %d, vectors say %d %d", c.BasisSize, p.BlockLen, p.StrongLen, c.BlockLen, c.StrongLen)
		}
		if n := (c.BasisSize + int64(p.BlockLen) - 1) / int64(p.BlockLen); n != c.BlockCount {
			t.Errorf("basis of %d bytes: %d blocks, vectors say %d", c.BasisSize, n, c.BlockCount)
		}
	}
	if !*updateVectors {
		b, _ := json.Marshal(gen)
		var a, w any
		json.Unmarshal(b, &a)
		json.Unmarshal(raw, &w)
		if fmt.Sprint(a) != fmt.Sprint(w) {
			t.Errorf("%s differs from what the code generates; run go test ./delta -run HashVectors -update and review the diff", hashVectorsFile)
		}
	}
}
