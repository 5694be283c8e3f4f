package receiver

import (
	"bytes"
	"errors"
	"io"
	"sync"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/delta"
	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
	"github.com/zeebo/blake3"
)

// The functions of this file run on the reader goroutine: a file's data is
// written to disk as it arrives, and verified on its FileEnd; the
// committer goroutine then applies its metadata and renames it into place.
// They wait for nothing but the disk (and, to report an event or send a
// retry, the connection's bounded send queue, which the sender's reader
// always drains: it never waits on its own writer).

// hashWriter writes to w and hashes what it writes.
type hashWriter struct {
	w  io.Writer
	h  *blake3.Hasher // from hashers, nil for a handed-off file
	fh role.FileHash  // computed with h
	n  int64
}

func (h *hashWriter) Write(p []byte) (int, error) {
	n, err := h.w.Write(p)
	h.fh.Write(p[:n])
	h.n += int64(n)
	return n, err
}

// release ends the hashing and gives the hasher back.
func (h *hashWriter) release() {
	if h.h != nil {
		role.StopHash(h.fh)
		hashers.Put(h.h)
		h.h, h.fh = nil, nil
	}
}

var hashers = sync.Pool{New: func() any { return blake3.New() }}

// open creates the file being written (a temp file, or the destination
// itself with --inplace) at the first data, unless startFile created it
// ahead, and starts hashing what is written to it.
func (j *job) open() error {
	if j.hw != nil {
		return nil
	}
	j.dropAhead()
	if err := j.create(); err != nil {
		return err
	}
	h := hashers.Get().(*blake3.Hasher)
	j.hw = &hashWriter{w: j.counted(j.t), h: h, fh: j.r.FileHash(h, j.s.Size)} // progress hook: j.counted (totals.go)
	if j.sig {
		j.patch = delta.NewPatcher(io.NewSectionReader(j.basis, 0, j.basisSize), j.hw)
	}
	return nil
}

// create creates the file being written (a temp file, or the destination
// itself with --inplace), unless startFile created it ahead.
func (j *job) create() error {
	if j.t != nil {
		return nil
	}
	var err error
	if j.r.Cfg.Inplace {
		if j.ex != nil && j.ex.Type == tree.TypeFile && !j.r.backupCopy(j.s.Path, j.name, j.ex, j.dir) { // backup hook (backup.go)
			return errBackupFailed
		}
		j.t, err = j.r.root.OpenInplace(j.name)
	} else {
		j.t, err = j.r.createFile(j.name, j.s.Mode, j.ex, j.s.Size)
	}
	if err != nil {
		j.t = nil
	}
	return err
}

// data applies one Data message.
func (j *job) data(m *wire.Data) {
	if j.werr != nil {
		return
	}
	if j.werr = j.open(); j.werr != nil {
		return
	}
	for _, op := range m.Ops {
		if op.Kind == wire.OpCopy {
			if j.patch == nil {
				j.werr = errCopyWithoutBasis
				return
			}
			j.werr = j.patch.Copy(op.Offset, op.Length)
		} else if j.patch != nil {
			j.werr = j.patch.Literal(op.Data)
		} else {
			_, j.werr = j.hw.Write(op.Data)
		}
		if j.werr != nil {
			return
		}
	}
	if h := role.TestHooks.Wrote; h != nil {
		h(j.r.Link, j.s.Path, j.hw.n)
	}
}

var errCopyWithoutBasis = errors.New("copy instruction without a basis")

// end handles FileEnd: verify, then commit or retry once whole-file.
func (j *job) end(m *wire.FileEnd) {
	r := j.r
	if j.werr == nil {
		j.werr = j.open() // an empty file has no Data
	}
	if j.werr != nil {
		j.finish(&role.FileError{Op: "write", Path: j.s.Path, Code: role.ErrCode(j.werr), Err: j.werr})
		return
	}
	if j.hw.n != m.Size || !bytes.Equal(j.hw.fh.Sum(nil), m.Sum) {
		if j.redo {
			j.finish(&role.FileError{Op: "verify", Path: j.s.Path, Code: wire.ErrCodeIO, Err: role.ErrChecksum})
			return
		}
		j.discard()
		j.closeBasis() // the retry is whole-file
		j.redo = true
		req, _ := j.prepare()
		// Sent from another goroutine: the reader never waits for the writer
		// on its own account here.
		go r.Link.Send(req)
		return
	}
	// Verified: the committer goroutine takes it from here, so that
	// applying metadata and renaming overlap with writing the next files.
	r.mu.Lock()
	delete(r.jobs, j.ID)
	r.mu.Unlock()
	r.commits <- j
}

// committer commits verified files until the receiver closes.
func (r *Engine) committer() {
	defer close(r.committerDone)
	for j := range r.commits {
		j.commit()
	}
}

// commit renames the verified file into place with its metadata.
func (j *job) commit() {
	r := j.r
	if r.Cfg.Inplace {
		if err := j.t.File().Truncate(j.hw.n); err != nil {
			j.finish(&role.FileError{Op: "truncate", Path: j.s.Path, Code: role.ErrCode(err), Err: err})
			return
		}
	}
	if j.ex != nil && !r.Cfg.Inplace && r.bak != nil && !r.Cfg.DelayUpdates { // delayed: backed up at the rename (delay.go)
		if !r.backup(j.s.Path, j.name, true, j.dir) { // backup hook (backup.go): reported
			j.finish(errBackupFailed)
			return
		}
	}
	err := r.commitTemp(j.t, j.s, j.ex, j.name, j.dir) // delay hook (delay.go)
	j.t = nil
	if err != nil {
		j.finish(&role.FileError{Op: "commit", Path: j.s.Path, Code: role.ErrCode(err), Err: err})
		return
	}
	if j.hadPartial && !r.Cfg.DelayUpdates { // before finish: the directory's times come after; delayed: the held file took its place
		r.root.RemovePartial(j.name, r.Cfg.PartialDir)
	}
	j.finish(nil)
}

// discard drops what was written so far.
func (j *job) discard() {
	j.dropAhead()
	if j.t != nil {
		j.t.Abort()
		j.t = nil
	}
	if j.hw != nil {
		j.hw.release()
		j.hw = nil
	}
	j.patch, j.werr = nil, nil
}

// finish ends the job, with err nil when the file was committed: it
// releases the request slot and reports the outcome.
func (j *job) finish(err error) {
	r := j.r
	j.discard()
	j.closeBasis()
	r.releaseClaim(j.claim, j.s.Path) // coop hook (coop.go): after the rename
	j.claim = nil
	r.mu.Lock()
	delete(r.jobs, j.ID)
	delete(r.byPath, j.s.Path)
	followers := j.followers
	j.followers = nil
	r.mu.Unlock()
	<-r.slots
	if err != nil {
		var fe *role.FileError
		remote := errors.As(err, &fe) && fe.Remote
		switch {
		case errors.Is(err, role.ErrConnDown), errors.Is(err, errBackupFailed):
		case remote && r.Client:
			// The sender counted it; the user hears of it here.
			r.report(role.Event{Kind: role.EventError, Path: j.s.Path, Err: err})
		case !remote:
			r.fail("transfer", j.s.Path, err)
		}
	} else {
		r.count(func(st *role.Stats) { st.FilesTransferred++ })
		r.created(j.s, j.ex, j.itemize)
	}
	for _, f := range followers {
		if err == nil && !r.deferLink(j.s.Path, f) { // delay hook (delay.go)
			r.link(f.s, f.ex, r.dstName(j.s.Path), f.name)
		}
		if r.order != nil {
			r.order.release(f.s.Path) // no event (failed, or already linked)
		}
		r.dirProgress(f.dir, 1)
	}
	if r.order != nil {
		r.order.release(j.s.Path)
	}
	r.dirProgress(j.dir, 1)
	r.pending.Done()
}

// fileError handles a sender's FileError for the job: what arrived so far
// is kept as partial data when a partial directory is configured.
func (j *job) fileError(m *wire.FileError) {
	j.keepPartial()
	j.finish(j.r.FromWireError(m))
}

// interrupt ends a job cut off by the end of the connection, keeping its
// data in the partial directory when one is configured.
func (j *job) interrupt() {
	j.keepPartial()
	j.finish(role.ErrConnDown)
}

// keepPartial moves the data written so far to the partial directory, if
// one is configured and the data is worth keeping (a redo's data is not
// mixed with an older partial).
func (j *job) keepPartial() {
	r := j.r
	if r.Cfg.PartialDir == "" || r.Cfg.Inplace || j.t == nil || j.werr != nil || j.hw == nil || j.hw.n == 0 {
		return
	}
	if j.partial != nil && j.hw.n <= j.basisSize {
		return // no more than the partial we started from
	}
	if err := j.t.KeepPartial(r.Cfg.PartialDir); err == nil {
		j.t = nil
	}
}

// errBackupFailed ends a job whose backup failed (and was reported).
var errBackupFailed = errors.New("backup failed")
