package receiver

import (
	"fmt"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/wire"
	"golang.org/x/sys/unix"
)

// copiers is the number of receiver goroutines copying handed-off files:
// each waits for the disk while reading a cold file, so more than the
// cores.
const copiers = 16

// handoffCopy is one handed-off file for the copiers.
type handoffCopy struct {
	j    *job
	fd   int
	size int64
}

// handoff takes a handed-off file (receiver side, on the reader goroutine)
// and queues it for the copiers, which own the job from here.
func (r *Engine) handoff(m *wire.Handoff) error {
	if !r.Link.Negotiated().Handoff {
		return fmt.Errorf("%w: handoff without the %s capability", role.ErrProtocol, role.CapHandoff)
	}
	fd, ok := r.Cfg.Handoff.Take(m.ID)
	r.handedIn.Add(m.Size) // stats: data the sender sent this way
	r.mu.Lock()
	j := r.jobs[m.ID]
	late := j != nil && j.hw != nil // Data came first: the file is half written
	delete(r.jobs, m.ID)            // the connection's end no longer interrupts it
	if j != nil && ok && !late {
		if r.copying == nil {
			r.copying = map[uint64]*job{}
		}
		r.copying[m.ID] = j // still in flight for progress reports
	}
	r.mu.Unlock()
	if !ok || j == nil || late {
		if ok {
			unix.Close(fd)
		}
		err := fmt.Errorf("%w: handoff of file id %d without a descriptor or a request", role.ErrProtocol, m.ID)
		if late {
			err = fmt.Errorf("%w: handoff of file id %d after its data", role.ErrProtocol, m.ID)
		}
		if j != nil {
			j.finish(err) // its slot, place and pending count go back
		}
		return err
	}
	r.copyOnce.Do(func() {
		// Room for every request the window allows: the reader never
		// waits here (it must keep reading, or --timeout would fire).
		r.copies = make(chan handoffCopy, r.Cfg.RequestWindow())
		for range copiers {
			r.copiersDone.Add(1)
			go r.copier()
		}
	})
	r.copies <- handoffCopy{j: j, fd: fd, size: m.Size}
	return nil
}

// copier copies and commits handed-off files until the receiver closes.
// Once the connection is down (the run failed or was cancelled) it starts
// no more copies.
func (r *Engine) copier() {
	defer r.copiersDone.Done()
	for hc := range r.copies {
		select {
		case <-r.Link.Done():
			unix.Close(hc.fd)
			r.copied(hc.j)
			hc.j.finish(role.ErrConnDown)
		default:
			hc.j.copyIn(hc.fd, hc.size)
		}
	}
}

// copied takes j off the files being copied, before it is finished.
func (r *Engine) copied(j *job) {
	r.mu.Lock()
	delete(r.copying, j.ID)
	r.mu.Unlock()
}

// copyIn writes the job's file from the descriptor fd, which it closes,
// and commits it. With partial data to resume from, only what follows
// the part of it that matches is copied (receiver_resume.go).
func (j *job) copyIn(fd int, size int64) {
	r := j.r
	defer unix.Close(fd)
	defer r.copied(j)
	var n int64
	if j.resume {
		n = j.resumeFrom(fd, size)
	}
	if err := j.create(); err != nil {
		j.finish(&role.FileError{Op: "create", Path: j.s.Path, Code: role.ErrCode(err), Err: err})
		return
	}
	cw := j.counted(nil).(*countWriter) // progress hook: the file's start, and its bytes
	cw.n.Add(n)
	for n < size {
		select {
		case <-r.Link.Done(): // cancelled: keep what is there as partial data
			j.hw = &hashWriter{n: n}
			j.interrupt()
			return
		default:
		}
		want := min(size-n, role.CopyChunk)
		k, err := j.t.CopyFrom(fd, want)
		n += k
		cw.n.Add(k)
		if h := role.TestHooks.Wrote; h != nil {
			h(r.Link, j.s.Path, n)
		}
		if err != nil {
			j.finish(&role.FileError{Op: "copy", Path: j.s.Path, Code: role.ErrCode(err), Err: err})
			return
		}
		if k < want {
			break // the file shrank since it was opened
		}
	}
	j.hw = &hashWriter{n: n} // what commit and keepPartial read
	j.commit()
}
