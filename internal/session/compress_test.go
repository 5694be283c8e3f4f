package session

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/transport"
	"github.com/ferrysync/ferry/internal/wire"
)

// textFile returns n bytes of compressible text.
func textFile(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%06d all work and no play makes jack a dull boy\n", i)
	}
	return b.String()[:n]
}

// zsync runs one whole pass with client config cfg against a server with
// server config scfg, and returns the client's stats and negotiated caps.
func zsync(t *testing.T, role wire.Role, cfg, scfg Config, src, dst string) (Stats, []string) {
	t.Helper()
	a, b := transport.Pipe(64 << 10)
	serr := make(chan error, 1)
	go func() { serr <- Serve(context.Background(), b, ServeOptions{Config: scfg}) }()
	local, remote := []string{dst}, []string{src + "/"}
	if role == wire.RoleSender {
		local, remote = []string{src + "/"}, []string{dst}
	}
	cl, err := Dial(t.Context(), a, Request{Role: role, Local: local, Remote: remote, Config: cfg})
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	st, err := cl.Pass(t.Context(), nil)
	if err != nil {
		t.Fatalf("Pass: %v", err)
	}
	if err := cl.Close(t.Context()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := <-serr; err != nil {
		t.Fatalf("server: %v", err)
	}
	return st, cl.Caps()
}

// dataBytes is what flowed from sender to receiver.
func dataBytes(role wire.Role, st Stats) uint64 {
	if role == wire.RoleSender {
		return st.BytesSent
	}
	return st.BytesReceived
}

func TestCompressRoundTrip(t *testing.T) {
	text := textFile(3 << 20)
	random := string(randomBytes(1 << 20))
	cases := []struct {
		name   string
		files  map[string]string
		refuse bool    // the server does not offer zstd
		ratio  float64 // wire bytes with -z / without must be at most this...
		min    float64 // ...and at least this
	}{
		{"text", map[string]string{"a.txt": text, "d/b.log": text[:100<<10], "small": "x"}, false, 0.2, 0},
		{"random", map[string]string{"r.bin": random}, false, 1.01, 0.99},
		{"zip-suffix", map[string]string{"t.ZIP": text, "u.jpg": text}, false, 1.01, 0.99},
		{"refused", map[string]string{"a.txt": text}, true, 1.01, 0.99},
	}
	for _, tc := range cases {
		for _, role := range []wire.Role{wire.RoleReceiver, wire.RoleSender} {
			name := tc.name + map[wire.Role]string{wire.RoleReceiver: "/pull", wire.RoleSender: "/push"}[role]
			t.Run(name, func(t *testing.T) {
				src := t.TempDir()
				writeTree(t, src, tc.files)
				setTimes(t, src)
				scfg := Config{RefuseCompress: tc.refuse}

				plainDst := filepath.Join(t.TempDir(), "dst")
				plain, caps := zsync(t, role, archive(), scfg, src, plainDst)
				if slices.Contains(caps, wire.CapZstd) {
					t.Errorf("caps %q include %s without Compress", caps, wire.CapZstd)
				}

				cfg := archive()
				cfg.Compress = true
				zDst := filepath.Join(t.TempDir(), "dst")
				zst, caps := zsync(t, role, cfg, scfg, src, zDst)
				if got := slices.Contains(caps, wire.CapZstd); got == tc.refuse {
					t.Errorf("caps %q: zstd negotiated = %v with refuse = %v", caps, got, tc.refuse)
				}
				sameTree(t, src, zDst, true)

				ratio := float64(dataBytes(role, zst)) / float64(dataBytes(role, plain))
				t.Logf("wire bytes: %d with -z, %d without (%.3f)", dataBytes(role, zst), dataBytes(role, plain), ratio)
				if ratio > tc.ratio || ratio < tc.min {
					t.Errorf("wire ratio %.3f, want within [%.2f, %.2f]", ratio, tc.min, tc.ratio)
				}
			})
		}
	}
}

// TestCompressDelta updates a basis with -z: copy instructions and
// compressed literals together rebuild the file.
func TestCompressDelta(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	old := textFile(1 << 20)
	updated := old[:300<<10] + textFile(50<<10) + old[400<<10:]
	writeTree(t, src, map[string]string{"f.txt": updated})
	writeTree(t, dst, map[string]string{"f.txt": old})
	setTimes(t, src)
	cfg := archive()
	cfg.Compress = true
	for _, role := range []wire.Role{wire.RoleReceiver, wire.RoleSender} {
		st, _ := zsync(t, role, cfg, Config{}, src, dst)
		sameTree(t, src, dst, true)
		if st.MatchedBytes == 0 {
			t.Errorf("role %v: no basis data matched: %+v", role, st)
		}
		writeTree(t, dst, map[string]string{"f.txt": old})
	}
}
