package role

import (
	"bytes"
	"testing"

	"github.com/ferrysync/ferry/internal/link"
	"github.com/ferrysync/ferry/internal/linktest"

	"github.com/zeebo/blake3"
	"github.com/zeebo/xxh3"
)

// TestFileHash checks the sum FileEnd carries: XXH3-128 seeded with the
// run's seed once sum-xxh3 is negotiated (hashed inline, whatever the
// file's size), else BLAKE3-256.
func TestFileHash(t *testing.T) {
	data := randomBytes(3<<20 + 17)
	const seed = 0x1234567
	x := xxh3.Hash128Seed(data, seed).Bytes()
	b := blake3.Sum256(data)
	for _, c := range []struct {
		name    string
		sumXXH3 bool
		want    []byte
	}{
		{"sum-xxh3", true, x[:]},
		{"blake3", false, b[:]},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := &Peer{Link: &linktest.Conn{Caps: link.Caps{SumXXH3: c.sumXXH3}}, Cfg: Config{Seed: seed}}
			h := blake3.New()
			h.Write([]byte("left over from an earlier file"))
			fh := p.FileHash(h, int64(len(data)))
			if _, piped := fh.(*pipeHash); piped == c.sumXXH3 {
				t.Errorf("hashed on a goroutine: %v", piped)
			}
			for off := 0; off < len(data); off += 100_000 {
				fh.Write(data[off:min(off+100_000, len(data))])
			}
			if got := fh.Sum(nil); !bytes.Equal(got, c.want) {
				t.Errorf("sum %x, want %x", got, c.want)
			}
			StopHash(fh)
		})
	}
}
