package wire

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func refineSamples() map[string]Message {
	return map[string]Message{
		"refine-sig": &RefineSig{ID: 3, Seq: 1, StrongLen: 6, Regions: []RefineRegion{
			{Hints: []RefineRange{{Off: 4096, Len: 70000}}, BlockLen: 640,
				Weak: []uint32{1, 0xdeadbeef}, Strong: []byte("abcdefghijkl")},
			{Hints: []RefineRange{{0, 10}, {1 << 40, 5}}, BlockLen: 256},
		}},
		"refine-sig-empty": &RefineSig{ID: 9, StrongLen: 1},
		"refine-match": &RefineMatch{ID: 3, Seq: 1, Regions: [][]RefineRun{
			{{First: 0, Count: 27, BasisOff: 4096}, {First: 30, Count: 1, BasisOff: 1 << 33}},
			nil,
		}},
	}
}

func TestRefineRoundTrip(t *testing.T) {
	for name, m := range refineSamples() {
		t.Run(name, func(t *testing.T) {
			got, err := Decode(m.Type(), Marshal(m))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, m) {
				t.Errorf("got %+v, want %+v", got, m)
			}
		})
	}
}

func TestRefineMalformed(t *testing.T) {
	sig := Marshal(refineSamples()["refine-sig"])
	cases := []struct {
		name    string
		typ     Type
		payload []byte
	}{
		{"truncated sig", TypeRefineSig, sig[:len(sig)-1]},
		{"trailing byte", TypeRefineSig, append(bytes.Clone(sig), 0)},
		{"zero strong length", TypeRefineSig, []byte{1, 0, 0, 0}},
		{"strong length too big", TypeRefineSig, []byte{1, 0, 17, 0}},
		{"too many hints", TypeRefineSig, []byte{1, 0, 4, 1, 3, 0, 1, 0, 1, 0, 1, 1, 0}},
		{"zero block length", TypeRefineSig, []byte{1, 0, 4, 1, 0, 0, 0}},
		{"block length too big", TypeRefineSig, []byte{1, 0, 4, 1, 0, 0x81, 0x80, 0x08, 0}},
		{"blocks beyond payload", TypeRefineSig, []byte{1, 0, 4, 1, 0, 1, 5, 1, 2, 3, 4, 5, 6, 7, 8}},
		{"regions beyond payload", TypeRefineSig, []byte{1, 0, 4, 200, 0, 1, 0}},
		{"runs beyond payload", TypeRefineMatch, []byte{1, 0, 1, 100, 0, 1, 0}},
		{"regions beyond match payload", TypeRefineMatch, []byte{1, 0, 100}},
		{"first block out of range", TypeRefineMatch, []byte{1, 0, 1, 1, 0xff, 0xff, 0xff, 0xff, 0x7f, 1, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if m, err := Decode(c.typ, c.payload); !errors.Is(err, ErrMalformed) {
				t.Errorf("Decode = %+v, %v; want ErrMalformed", m, err)
			}
		})
	}
}

// FuzzRefine feeds arbitrary payloads to the refinement decoders: no
// panic, and what they accept re-encodes to the same bytes.
func FuzzRefine(f *testing.F) {
	for _, m := range refineSamples() {
		f.Add(byte(m.Type()), Marshal(m))
	}
	f.Fuzz(func(t *testing.T, typ byte, payload []byte) {
		tt := TypeRefineSig
		if typ&1 != 0 {
			tt = TypeRefineMatch
		}
		m, err := Decode(tt, payload)
		if err != nil {
			return
		}
		again, err := Decode(tt, Marshal(m))
		if err != nil {
			t.Fatalf("re-decode of accepted %T: %v", m, err)
		}
		if !bytes.Equal(Marshal(again), Marshal(m)) {
			t.Fatalf("%T not stable across a round trip", m)
		}
	})
}

// TestRefineFuzzCorpus keeps the committed seed corpus in step with the
// samples (run with -update-refine-corpus to rewrite it).
func TestRefineFuzzCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzRefine")
	for name, m := range refineSamples() {
		typ := byte(0)
		if m.Type() == TypeRefineMatch {
			typ = 1
		}
		want := fmt.Sprintf("go test fuzz v1\nbyte(%q)\n[]byte(%q)\n", typ, Marshal(m))
		got, err := os.ReadFile(filepath.Join(dir, name))
		if os.Getenv("UPDATE_REFINE_CORPUS") != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err != nil || string(got) != want {
			t.Errorf("seed %s out of date (UPDATE_REFINE_CORPUS=1 go test -run TestRefineFuzzCorpus): %v", name, err)
		}
	}
}
