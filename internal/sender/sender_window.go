package sender

import "github.com/ferrysync/ferry/internal/wire"

// entryWindow keeps the sizes of the stream items sent and not yet
// credited back, in order: the receiver credits items in the order it
// takes them, so each Credit after the first (the initial window, which
// comes before anything is sent) retires the oldest. It keeps the bytes
// outstanding within wire.MaxEntryWindow. Guarded by the Engine's mu.
type entryWindow struct {
	sizes []int
	bytes int
}

// room reports whether an item of size bytes may be sent now: always
// when nothing is outstanding, so that one item larger than the window
// still goes.
func (w *entryWindow) room(size int) bool {
	return len(w.sizes) == 0 || w.bytes+size <= wire.MaxEntryWindow
}

func (w *entryWindow) add(size int) {
	w.sizes = append(w.sizes, size)
	w.bytes += size
}

// credited retires the n oldest items.
func (w *entryWindow) credited(n uint64) {
	k := int(min(n, uint64(len(w.sizes))))
	for _, size := range w.sizes[:k] {
		w.bytes -= size
	}
	w.sizes = w.sizes[k:]
	if len(w.sizes) == 0 {
		w.sizes = nil // let the array go
	}
}
