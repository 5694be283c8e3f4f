package role

import (
	"sync"

	"golang.org/x/sys/unix"
)

// Handoff hook. Between a sender and a receiver in one process (a local
// sync) a whole file need not travel through the connection: the sender
// opens it as it always does, starts the kernel reading it, and hands the
// open descriptor to the receiver through the Handoff both roles share; on
// the connection goes only a wire.Handoff (the file's ID and size), in
// order with everything else. The receiver copies with copy_file_range on
// a pool of copiers, which also commit what they copied: creates, copies
// and renames then run on every core, with many cold reads in flight, and
// the data never enters user space (nor is hashed: it never left the
// kernel).

// CapHandoff is offered only by a role whose Config has a Handoff.
const CapHandoff = "local-handoff"

// Handoff passes open source files from a sender to a receiver in the same
// process. Give the same Handoff to both roles' Config; Close it when the
// session is over.
type Handoff struct {
	mu     sync.Mutex
	Fds    map[uint64]int // by file ID
	closed bool
}

// NewHandoff returns an empty Handoff.
func NewHandoff() *Handoff { return &Handoff{Fds: map[uint64]int{}} }

// Put passes fd for file id; the Handoff owns it from here.
func (h *Handoff) Put(id uint64, fd int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		unix.Close(fd)
		return
	}
	h.Fds[id] = fd
}

// Take returns the descriptor put for id, which the caller then owns.
func (h *Handoff) Take(id uint64) (int, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fd, ok := h.Fds[id]
	delete(h.Fds, id)
	return fd, ok
}

// Close closes the descriptors nobody took (a session cut short).
func (h *Handoff) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, fd := range h.Fds {
		unix.Close(fd)
		delete(h.Fds, id)
	}
	h.closed = true
}

// CopyChunk is what a copier copies between looks at the connection.
const CopyChunk = 8 << 20
