package swarm

import (
	"errors"
	"sync"

	"github.com/ferrysync/ferry/internal/fsys"
)

// fileJob is a file being assembled in a temp file from verified chunks.
type fileJob struct {
	e    *Entry // Path: in the destination
	src  string // the path in the module, as chunks are requested
	left int    // chunks not yet written; guarded by sched.mu

	mu       sync.Mutex // guards the fields that follow
	t        *fsys.Temp
	err      error
	finished bool
}

// write writes verified data at off.
func (f *fileJob) write(b []byte, off int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil || f.finished {
		return errors.New("file already finished")
	}
	_, err := f.t.WriteAt(b, off)
	return err
}

// fail records err as the file's failure; it reports whether this call
// failed it (the caller then finishes it).
func (f *fileJob) fail(err error) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil || f.finished {
		return false
	}
	f.err = err
	return true
}

func (f *fileJob) failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err != nil
}

// finish marks the file finished; true the first time.
func (f *fileJob) finish() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.finished {
		return false
	}
	f.finished = true
	return true
}
