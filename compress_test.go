package ferry

import (
	"crypto/rand"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestSyncCompressRemoteShell pulls and pushes through -e (the test
// binary as the remote ferry) with and without -z: the trees arrive the
// same, and text crosses the wire in far fewer bytes while random data
// crosses in as many.
func TestSyncCompressRemoteShell(t *testing.T) {
	t.Setenv("FERRY_TEST_RSH", "1")
	exe, err := os.Executable()
	check(t, err)
	var text strings.Builder
	for i := 0; text.Len() < 1<<20; i++ {
		fmt.Fprintf(&text, "%d: it was the best of times, it was the worst of times\n", i)
	}
	random := make([]byte, 512<<10)
	rand.Read(random)
	cases := []struct {
		name     string
		files    map[string]string
		min, max float64 // bounds of wire bytes with -z over without
	}{
		{"text", map[string]string{"a.txt": text.String(), "d/b.txt": text.String()[:5000]}, 0, 0.25},
		{"random", map[string]string{"r.bin": string(random)}, 0.99, 1.01},
	}
	for _, tc := range cases {
		for _, dir := range []string{"pull", "push"} {
			t.Run(tc.name+"/"+dir, func(t *testing.T) {
				src := t.TempDir()
				write(t, src, tc.files)
				age(t, src)
				wire := func(compress bool) int64 {
					dst := t.TempDir()
					o := opts(&recorder{})
					o.RemoteShell, o.Compress = exe, compress
					o.NoTotals = true // no timer-driven totals frames in the byte counts
					s, d := "fakehost:"+src+"/", dst
					if dir == "push" {
						s, d = src+"/", "fakehost:"+dst
					}
					st, err := Sync(t.Context(), s, d, o)
					check(t, err)
					sameTrees(t, src, dst)
					if dir == "push" {
						return st.BytesSent
					}
					return st.BytesReceived
				}
				plain, z := wire(false), wire(true)
				ratio := float64(z) / float64(plain)
				t.Logf("%d bytes with -z, %d without (%.3f)", z, plain, ratio)
				if ratio < tc.min || ratio > tc.max {
					t.Errorf("wire ratio %.3f, want within [%.2f, %.2f]", ratio, tc.min, tc.max)
				}
			})
		}
	}
}

// TestSyncCompressBWLimitLocal: -z is ignored for a local copy (nothing
// to gain between two local processes), and a bandwidth limit leaves the
// result intact.
func TestSyncCompressBWLimitLocal(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	write(t, src, map[string]string{"a": strings.Repeat("compressible ", 1000), "d/b": "x"})
	age(t, src)
	o := opts(&recorder{})
	o.Compress, o.BWLimit = true, 1<<30
	st, err := Sync(t.Context(), src+"/", dst, o)
	check(t, err)
	sameTrees(t, src, dst)
	if st.BytesSent < 13000 { // a local copy reports its sender's bytes, as rsync does
		t.Errorf("local copy sent %d bytes for 13000 bytes of data: compressed", st.BytesSent)
	}
}
