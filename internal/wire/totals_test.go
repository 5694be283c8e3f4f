package wire

import (
	"bytes"
	"errors"
	"testing"
	"testing/iotest"
)

func TestTotalsRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		m    Totals
	}{
		{"zero", Totals{}},
		{"scan running", Totals{Kind: TotalsScan, Files: 1234, Bytes: 5 << 30}},
		{"scan complete", Totals{Kind: TotalsScan, Files: 1, Bytes: 1, Complete: true}},
		{"done", Totals{Kind: TotalsDone, Files: 99, Bytes: 1 << 62}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			fw := NewFrameWriter(&buf)
			if err := fw.WriteMsg(&c.m); err != nil {
				t.Fatal(err)
			}
			fw.Flush()
			got, err := NewFrameReader(iotest.OneByteReader(&buf)).ReadMsg()
			if err != nil {
				t.Fatal(err)
			}
			tm, ok := got.(*Totals)
			if !ok || *tm != c.m {
				t.Fatalf("got %#v, want %#v", got, c.m)
			}
		})
	}
}

func TestTotalsExtensible(t *testing.T) {
	cases := []struct {
		name    string
		payload []byte
		want    Totals
		bad     bool
	}{
		{"fewer fields", []byte{1, 1, 7}, Totals{Kind: 1, Files: 7}, false},
		{"more fields", []byte{2, 5, 1, 2, 1, 9, 9}, Totals{Kind: 2, Files: 1, Bytes: 2, Complete: true}, false},
		{"count too large", []byte{1, 65, 0}, Totals{}, true},
		{"short", []byte{1, 3, 1}, Totals{}, true},
		{"trailing", []byte{1, 0, 0}, Totals{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Decode(TypeTotals, c.payload)
			if c.bad {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("err = %v, want ErrMalformed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if *m.(*Totals) != c.want {
				t.Fatalf("got %#v, want %#v", m, c.want)
			}
		})
	}
}

func TestTotalsIsOptional(t *testing.T) {
	if !TypeTotals.Optional() {
		t.Fatal("TypeTotals must be optional so that older peers skip it")
	}
}

// FuzzTotals decodes arbitrary Totals payloads: no panic, and whatever is
// accepted re-encodes stably.
func FuzzTotals(f *testing.F) {
	f.Add(Marshal(&Totals{Kind: TotalsScan, Files: 3, Bytes: 4096, Complete: true}))
	f.Fuzz(func(t *testing.T, payload []byte) {
		m, err := Decode(TypeTotals, payload)
		if err != nil {
			return
		}
		again, err := Decode(TypeTotals, Marshal(m))
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if *again.(*Totals) != *m.(*Totals) {
			t.Fatalf("unstable: %#v vs %#v", again, m)
		}
	})
}
