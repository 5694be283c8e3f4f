package ferry

import (
	"strings"
	"testing"
)

// TestSyncStatsLocalBytes checks that a local copy reports the bytes its
// sending side sent, file data included, as rsync does: a first copy of
// 3 MB sends about 3 MB, whether the files pass as descriptors (the
// default) or through the connection (--bwlimit), and receives little.
func TestSyncStatsLocalBytes(t *testing.T) {
	const size = 1 << 20
	tests := []struct {
		name    string
		bwlimit int64
	}{
		{"handed off", 0},
		{"through the connection", 1 << 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			write(t, src, map[string]string{"a": strings.Repeat("a", size), "d/b": strings.Repeat("b", size), "d/c": strings.Repeat("c", size)})
			age(t, src)
			o := opts(&recorder{})
			o.BWLimit = tt.bwlimit
			st, err := Sync(t.Context(), src+"/", dst, o)
			check(t, err)
			if st.BytesSent < 3*size || st.BytesSent > 3*size+64<<10 {
				t.Errorf("sent %d bytes for %d bytes of data", st.BytesSent, 3*size)
			}
			if st.BytesReceived > 64<<10 {
				t.Errorf("received %d bytes: the receiver's requests should be small", st.BytesReceived)
			}
		})
	}
}
