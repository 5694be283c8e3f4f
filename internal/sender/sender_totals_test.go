package sender

import (
	"testing"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/tree"
)

func TestScanCountsWhatThePassSends(t *testing.T) {
	src := progressTree(t)
	cases := []struct {
		name    string
		op      string
		paths   []string
		filters []string
		files   uint64
		bytes   uint64
	}{
		{"contents", src + "/", nil, nil, 6, 1000},
		{"dir itself", src, nil, nil, 6, 1000},
		{"excluded", src + "/", nil, []string{"- c"}, 5, 400},
		{"pass paths", src + "/", []string{"d/b", "a"}, nil, 2, 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := archive()
			cfg.Filters = c.filters
			s, err := New(role.NewPeer(nil, cfg, true, nil), []string{c.op})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var got role.Progress
			err = s.scan(t.Context(), c.paths, func(e *tree.Entry) {
				got.Files++
				if e.Type == tree.TypeFile {
					got.Bytes += uint64(e.Size)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if got.Files != c.files || got.Bytes != c.bytes {
				t.Fatalf("scan counted %d entries, %d bytes; want %d, %d", got.Files, got.Bytes, c.files, c.bytes)
			}
		})
	}
}
