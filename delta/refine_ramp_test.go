package delta

import (
	"slices"
	"testing"
)

// TestRecorderRamp: a Recorder's first segment is span/16 long, each next
// one twice as long up to span, so that the first data reaches the
// receiver early; literals stay whole within a segment.
func TestRecorderRamp(t *testing.T) {
	const span = 1 << 20
	tests := []struct {
		name string
		copy int64 // the length of each copy recorded
		want []int64
	}{
		{"exact", span / 16, []int64{span / 16, span / 8, span / 4, span / 2, span, span, span / 16}},
		{"coarse copies", span / 4, []int64{span / 4, span / 4, span / 4, span / 2, span, span / 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []int64
			rec := NewRecorder(span, func(s *Segment) error {
				var n int64
				for _, op := range s.Ops {
					n += op.Len
				}
				got = append(got, n)
				return nil
			})
			var total int64
			for _, w := range tc.want {
				total += w
			}
			for off := int64(0); off < total; off += tc.copy {
				// Copies that do not follow each other, so none merge.
				if err := rec.Copy(2*off, tc.copy); err != nil {
					t.Fatal(err)
				}
			}
			if err := rec.Close(); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("segments of %v bytes, want %v", got, tc.want)
			}
		})
	}
}
