package daemon

import (
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func TestBWLimitConfig(t *testing.T) {
	tests := []struct {
		name, value string
		want        Rate
		err         string
	}{
		{"KiB integer", "40", 40 << 10, ""},
		{"bare string is KiB", `"40"`, 40 << 10, ""},
		{"MiB", `"40M"`, 40 << 20, ""},
		{"MiB long", `"40MiB"`, 40 << 20, ""},
		{"MB decimal", `"1MB"`, 1000000, ""},
		{"fraction", `"1.5k"`, 1536, ""},
		{"bytes", `"1000b"`, 1000, ""},
		{"zero", "0", 0, ""},
		{"below minimum", `"100b"`, 0, "below 512"},
		{"negative", "-1", 0, "out of range"},
		{"junk", `"fast"`, 0, "want a number"},
		{"bad unit", `"4q"`, 0, "want a number"},
		{"wrong type", "true", 0, "want KiB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg, err := ParseConfig([]byte("[module.m]\npath = \""+dir+"\"\nbwlimit = "+tc.value+"\n"), "")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "bwlimit") {
					t.Fatalf("err = %v, want one naming bwlimit with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Modules["m"].BWLimit; got != tc.want {
				t.Fatalf("bwlimit = %d, want %d", got, tc.want)
			}
		})
	}
}

// TestPacedConnRate: a paced connection sends at the configured rate
// (fake time: the bubble's clock advances only while everything sleeps).
func TestPacedConnRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const rate, size = 256 << 10, 1 << 20
		a, b := net.Pipe()
		defer a.Close()
		defer b.Close()
		pc := paced(a, rate)
		start := time.Now()
		go func() {
			pc.Write(make([]byte, size))
			a.Close()
		}()
		n, _ := io.Copy(io.Discard, b)
		el := time.Since(start)
		// The bucket starts full: the first burst (an eighth of a
		// second's worth) is free.
		want := time.Duration(float64(size-rate/8) / rate * float64(time.Second))
		if n != size || el < want || el > want+want/100 {
			t.Fatalf("sent %d bytes in %v, want %d in %v", n, el, size, want)
		}
	})
}

// TestModuleBWLimitPacesSession: a module's bwlimit paces what its
// sessions send over a real connection (a lower bound: pacing can only
// make the transfer slower than the rate allows).
func TestModuleBWLimitPacesSession(t *testing.T) {
	dir := t.TempDir()
	data := bytes.Repeat([]byte("0123456789abcdef"), 512<<10/16)
	if err := os.WriteFile(filepath.Join(dir, "big"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, dir, "[module.m]\npath = \"%DIR%\"\nbwlimit = 256\n", nil)
	start := time.Now()
	got, err := command(t, ts.addr, OpenOptions{Module: "m", Role: RoleSender}, "read big")
	if err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	if got != string(data) {
		t.Fatalf("got %d bytes, want %d", len(got), len(data))
	}
	if min := time.Duration(float64(len(data)-32<<10) / (256 << 10) * float64(time.Second)); el < min {
		t.Fatalf("512 KiB at bwlimit 256 KiB/s took %v, less than %v", el, min)
	}
}
