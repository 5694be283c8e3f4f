package sender

import (
	"testing"

	"github.com/ferrysync/ferry/internal/wire"
)

// TestEntryWindow: the first Credit (the initial window) retires nothing;
// later ones retire the oldest items; an item always goes when nothing is
// outstanding, else only within wire.MaxEntryWindow.
func TestEntryWindow(t *testing.T) {
	var w entryWindow
	w.credited(2048) // the initial window
	if !w.room(wire.MaxEntryWindow + 1) {
		t.Fatal("an empty window refuses an item")
	}
	half := wire.MaxEntryWindow / 2
	w.add(half)
	w.add(half)
	if w.room(1) {
		t.Fatal("a full window has room")
	}
	w.credited(1)
	if !w.room(half) || w.room(half+1) {
		t.Fatalf("after one credit: %d bytes outstanding, want %d", w.bytes, half)
	}
	w.credited(5)
	if w.bytes != 0 || len(w.sizes) != 0 {
		t.Fatalf("all credited: %d bytes, %d items outstanding", w.bytes, len(w.sizes))
	}
}
