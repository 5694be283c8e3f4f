package sender

import (
	"sync/atomic"

	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/wire"
	"golang.org/x/sys/unix"
)

// A delta transfer reads the receiver's basis (to sign it) and then the
// source (to match it), one after the other: the source is opened only
// once its signature has arrived. When a request for a large file with a
// basis arrives, the sender asks the kernel to start reading the source
// at once (posix_fadvise WILLNEED), so that the two reads overlap: with a
// cold page cache a 512 MiB update then waits for one file's read instead
// of two.
const (
	// prefetchMin is the smallest source worth prefetching: below it the
	// signature arrives too soon for an overlap to matter.
	prefetchMin = 8 << 20
	// prefetchMax bounds what one prefetch asks the kernel to read, so
	// that a huge file does not push the rest of the page cache out for
	// data the matcher reads much later.
	prefetchMax = 1 << 30
)

// prefetching is set while a prefetch runs: one at a time, process-wide,
// so that many outstanding requests never ask for more than prefetchMax.
var prefetching atomic.Bool

// prefetch starts reading r's source into the page cache in the
// background if it is worth it. Any failure is ignored: the worker that
// serves the request opens the file again and reports errors.
func (s *Engine) prefetch(r *request) {
	if r.Flags&wire.ReqBasis == 0 || r.BasisSize < prefetchMin || !prefetching.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer prefetching.Store(false)
		var dc dirCache
		defer dc.close()
		f, err := s.openRequested(&dc, r.Path)
		if err != nil {
			return
		}
		defer f.Close()
		if f.size >= prefetchMin {
			unix.Fadvise(f.fd, 0, min(f.size, prefetchMax), unix.FADV_WILLNEED)
			if h := role.TestHooks.Prefetched; h != nil {
				h(r.Path)
			}
		}
	}()
}
