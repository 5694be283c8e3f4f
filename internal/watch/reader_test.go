package watch

import (
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// TestFromReader: records ended by NUL or newline become changes; the
// end of the input closes Changes.
func TestFromReader(t *testing.T) {
	in := "a\x00b/c\n./d/\n\n/e\r\nf/../../x\n.\nlast"
	w := FromReader(t.Context(), iotest.OneByteReader(strings.NewReader(in)))
	defer w.Close()
	var got []string
	for c := range w.Changes() {
		if c.Rescan {
			got = append(got, "RESCAN")
			continue
		}
		got = append(got, c.Path)
	}
	want := []string{"a", "b/c", "d", "e", "f/../../x", "RESCAN", "last"}
	if !slices.Equal(got, want) {
		t.Errorf("changes %q, want %q", got, want)
	}
}
