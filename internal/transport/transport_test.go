package transport

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"
)

func TestPipeTransfersBothWays(t *testing.T) {
	for _, size := range []int{1, 16, 1 << 16} {
		a, b := Pipe(size)
		data := bytes.Repeat([]byte("0123456789abcdef"), 4096)
		done := make(chan []byte, 2)
		// Both ends write before reading: with small buffers this only
		// finishes because each direction is independent.
		for _, c := range []Conn{a, b} {
			go func() {
				go func() { c.Write(data); c.(interface{ CloseWrite() error }).CloseWrite() }()
				got, _ := io.ReadAll(c)
				done <- got
			}()
		}
		for range 2 {
			if got := <-done; !bytes.Equal(got, data) {
				t.Fatalf("size %d: got %d bytes, want %d", size, len(got), len(data))
			}
		}
	}
}

func TestPipeWriteAfterPeerClose(t *testing.T) {
	a, b := Pipe(4)
	b.Close()
	if _, err := a.Write([]byte("hello")); !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("Write after peer Close = %v, want ErrClosedPipe", err)
	}
}

func TestSplitCommand(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr error
	}{
		{"ssh", []string{"ssh"}, nil},
		{"  ssh -p 2222  -l me ", []string{"ssh", "-p", "2222", "-l", "me"}, nil},
		{`ssh -o 'ProxyCommand nc %h %p'`, []string{"ssh", "-o", "ProxyCommand nc %h %p"}, nil},
		{`sh -c "echo \"hi\" there"`, []string{"sh", "-c", `echo "hi" there`}, nil},
		{`a\ b c`, []string{"a b", "c"}, nil},
		{`x ''`, []string{"x", ""}, nil},
		{`ssh 'oops`, nil, ErrUnterminatedQuote},
		{"   ", nil, ErrEmptyCommand},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := SplitCommand(tc.in)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("SplitCommand(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestCommandRoundTrip(t *testing.T) {
	c, err := Command(t.Context(), []string{"cat"}, nil)
	if err != nil {
		t.Skipf("cat not available: %v", err)
	}
	go func() { c.Write([]byte("ping")); c.(*cmdConn).stdin.Close() }()
	got, _ := io.ReadAll(c)
	if string(got) != "ping" {
		t.Fatalf("echo through cat = %q", got)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
}
