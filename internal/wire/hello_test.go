package wire

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

func TestHelloExchange(t *testing.T) {
	h := &Hello{MinVersion: 1, MaxVersion: 1, Software: "ferry/test", Caps: []string{"a", "b"}}
	var buf bytes.Buffer
	if err := WriteHello(NewFrameWriter(&buf), h); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), Magic) {
		t.Fatalf("stream does not start with the magic: %q", buf.Bytes()[:8])
	}
	got, err := ReadHello(NewFrameReader(iotest.OneByteReader(&buf)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, h) {
		t.Fatalf("got %#v, want %#v", got, h)
	}
}

func TestReadHelloBadMagic(t *testing.T) {
	tests := map[string]string{
		"banner": "Welcome to host!\n",
		"short":  "\x89FE",
		"crlf":   "\x89FERRY\n\n",
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := ReadHello(NewFrameReader(strings.NewReader(in)))
			if !errors.Is(err, ErrBadMagic) {
				t.Fatalf("ReadHello = %v, want ErrBadMagic", err)
			}
		})
	}
}

func TestNegotiate(t *testing.T) {
	tests := []struct {
		name     string
		a, b     Hello
		wantVer  uint64
		wantCaps []string
		wantErr  error
	}{
		{"same", Hello{MinVersion: 1, MaxVersion: 1, Caps: []string{"x", "y"}}, Hello{MinVersion: 1, MaxVersion: 1, Caps: []string{"y", "x"}}, 1, []string{"x", "y"}, nil},
		{"overlap picks highest", Hello{MinVersion: 1, MaxVersion: 3}, Hello{MinVersion: 2, MaxVersion: 5}, 3, nil, nil},
		{"intersection", Hello{MinVersion: 1, MaxVersion: 1, Caps: []string{"zstd", "delta-xxh3", "zstd"}}, Hello{MinVersion: 1, MaxVersion: 1, Caps: []string{"delta-xxh3", "future"}}, 1, []string{"delta-xxh3"}, nil},
		{"disjoint", Hello{MinVersion: 1, MaxVersion: 1}, Hello{MinVersion: 2, MaxVersion: 4}, 0, nil, ErrNoVersion},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, caps, err := Negotiate(&tc.a, &tc.b)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if v != tc.wantVer || !reflect.DeepEqual(caps, tc.wantCaps) {
				t.Fatalf("Negotiate = %d %q, want %d %q", v, caps, tc.wantVer, tc.wantCaps)
			}
		})
	}
}
