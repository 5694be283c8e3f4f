package sender

import (
	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/wire"
	"golang.org/x/sys/unix"
)

// handOff ends request r by handing f to the receiver (sender side).
func (s *Engine) handOff(r *request, f *srcFile) error {
	// Start reading now: the copier finds the data in the page cache, and
	// the disk sees many requests at once.
	unix.Fadvise(f.fd, 0, min(f.size, role.CopyChunk), unix.FADV_WILLNEED)
	s.Cfg.Handoff.Put(r.ID, f.fd)
	f.fd = -1
	s.mu.Lock()
	s.stats.LiteralBytes += uint64(f.size)
	s.active--
	s.mu.Unlock()
	return s.Link.Send(&wire.Handoff{ID: r.ID, Size: f.size})
}
