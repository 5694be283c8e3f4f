package receiver

import (
	"io"
	"io/fs"
	"os"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/delta"
	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
)

var errExist = fs.ErrExist

// job is one regular file being received. The merge goroutine starts it
// (and sends its request); from then on only the reader goroutine touches
// its transfer state, applying Data as it arrives and finishing the file on
// FileEnd or FileError (see receiver_job.go). No goroutine per file.
type job struct {
	r         *Engine
	ID        uint64
	s, ex     *tree.Entry
	dir       *dirNode
	name      string
	itemize   string
	followers []follower  // hard links waiting for this file (guarded by r.mu)
	alt       *basisDir   // a basis directory's file of this name, the delta basis (basis.go)
	claim     *fsys.Claim // --cooperate: this process's claim on the file, released by finish (coop.go)

	// transfer state, owned by the reader goroutine once the request is out
	redo      bool     // this attempt is the whole-file retry
	basis     *os.File // the delta basis, or nil
	basisSize int64
	sig       bool        // the request carried a signature of basis
	t         *fsys.Temp  // created ahead (createAhead) or at the first data
	ahead     bool        // t was created ahead and has no data yet: it holds a slot of MaxAhead (ahead.go)
	hw        *hashWriter // writes to t, hashing
	patch     *delta.Patcher
	werr      error // the first write error; the rest of the data is dropped
	// partial data of an earlier run (receiver_partial.go): the file, the
	// basis too unless resume says it is to be the kept prefix of a file
	// handed off whole (receiver_resume.go); hadPartial: remove it at the
	// commit.
	partial     *os.File
	resume      bool
	hadPartial  bool
	lookPartial bool // set by startFile: there may be partial data (mayHavePartial)
}

type follower struct {
	s, ex *tree.Entry
	dir   *dirNode
	name  string
}

// startFile starts the job of a file that needs data, waiting for a free
// request slot.
// alt, when not nil, is a basis directory holding a file of the same name
// to use as the delta basis when the destination has none (basis.go).
func (r *Engine) startFile(m *merger, s, ex *tree.Entry, parent *dirNode, name, it string, alt *basisDir) error {
	if r.Cfg.DryRun {
		r.created(s, ex, it)
		if ex == nil || ex.Type != tree.TypeFile || r.Cfg.WriteOnly { // write-only hook: counted as new
			return nil
		}
		r.count(func(st *role.Stats) { st.FilesTransferred++ })
		return nil
	}
	claim := r.coop.take() // coop hook (coop.go): released once the file is in place
	if s.Size == 0 {
		// Nothing to ask for: write the empty file here.
		err := r.writeEmpty(s, ex, parent, name)
		r.releaseClaim(claim, s.Path)
		if err != nil {
			r.fail("create", s.Path, err)
			return nil
		}
		r.count(func(st *role.Stats) { st.FilesTransferred++ })
		r.created(s, ex, it)
		return nil
	}
	select {
	case r.slots <- struct{}{}:
	case <-r.Link.Done():
		r.releaseClaim(claim, s.Path)
		return r.Link.Err()
	case <-m.ctx.Done():
		r.releaseClaim(claim, s.Path)
		return m.ctx.Err()
	}
	j := &job{r: r, s: s, ex: ex, dir: parent, name: name, itemize: it, lookPartial: m.mayHavePartial(parent, s.Path), alt: alt, claim: claim}
	r.mu.Lock()
	r.nextID++
	j.ID = r.nextID
	r.mu.Unlock()
	req, sig := j.prepare()
	j.createAhead()
	r.mu.Lock()
	r.jobs[j.ID] = j // after prepare: the reader may use j from now on
	if r.Cfg.HardLinks {
		r.byPath[s.Path] = j
	}
	r.mu.Unlock()
	r.addPending(parent)
	r.pending.Add(1)
	if r.order != nil {
		r.order.reserve(s.Path)
	}
	if h := role.TestHooks.Prepared; h != nil {
		h(s.Path)
	}
	if err := r.Link.Send(req); err != nil {
		return err // the connection is down: abortJobs finishes j
	}
	if sig != nil {
		signed := sign(sig)
		if h := role.TestHooks.Signed; h != nil {
			h(s.Path)
		}
		if err := sendSig(r.Link, j.ID, signed); err != nil {
			return err
		}
	}
	return nil
}

// createAhead creates the job's temp file on the merge goroutine, before
// the request goes out, so that the inode allocation (the bulk of a small
// file's cost to the kernel) overlaps with the reader goroutine writing
// the data of earlier files. On failure the reader tries again at the
// first data and reports the error then.
func (j *job) createAhead() {
	if j.r.Cfg.Inplace || j.redo || j.resume || !j.r.takeAhead() {
		return
	}
	if t, err := j.r.createFile(j.name, j.s.Mode, j.ex, j.s.Size); err == nil {
		j.t, j.ahead = t, true
	} else {
		j.r.ahead.Add(-1)
	}
}

// createFile starts the file that will become name: an unnamed one when
// nothing is there (ex is nil), else a temp file; either way with its
// final permissions, so that committing it rarely needs a chmod.
// With -S it leaves holes for zeros; with --preallocate it reserves size
// bytes of disk.
func (r *Engine) createFile(name string, mode uint32, ex *tree.Entry, size int64) (*fsys.Temp, error) {
	var t *fsys.Temp
	var err error
	if ex == nil {
		t, err = r.root.CreateNew(name, mode)
	} else if r.Cfg.DelayUpdates { // delay hook (delay.go): the temp file waits in the partial directory
		t, err = r.root.CreateHeldTemp(name, mode, r.Cfg.PartialDir)
	} else {
		t, err = r.root.CreateTempPerm(name, mode)
	}
	if err != nil {
		return nil, err
	}
	if r.Cfg.Sparse {
		t.SetSparse()
	} else if r.Cfg.Preallocate {
		if err := t.Preallocate(size); err != nil {
			t.Abort()
			return nil, err
		}
	} else if size >= fsys.AutoPreallocMin {
		t.PreallocateHint(size) // spares ext4 a flush in the rename (fsys/prealloc.go)
	}
	return t, nil
}

func (r *Engine) writeEmpty(s, ex *tree.Entry, parent *dirNode, name string) error {
	t, err := r.createFile(name, s.Mode, ex, 0)
	if err != nil {
		return err
	}
	if ex != nil && !r.Cfg.DelayUpdates && !r.backup(s.Path, name, true, parent) { // backup hook (backup.go)
		t.Abort()
		return nil
	}
	return r.commitTemp(t, s, ex, name, parent) // delay hook (delay.go)
}

// prepare builds the file's request: whole-file, or against the
// destination file (or a kept partial file) as the basis, whose signature
// it announces (computed by sign once the request is out). Partial data is taken up even for a whole-file transfer: a
// file handed off whole resumes from it, any other uses it as the basis.
// It runs before the request is sent, so the reader sees the job's state
// only afterwards.
func (j *job) prepare() (*wire.FileRequest, *pendingSig) {
	r := j.r
	req := &wire.FileRequest{ID: j.ID, Path: j.s.Path}
	if j.redo {
		req.Flags |= wire.ReqRedo
		return req, nil
	}
	if r.Cfg.Inplace || r.Cfg.WriteOnly { // write-only hook (writeonly.go): no signature of what is there
		return req, nil
	}
	var size int64
	if f, n := j.findPartial(); f != nil && r.Cfg.WholeFile && r.Link.Negotiated().Handoff {
		j.partial, j.basisSize, j.resume = f, n, true
		return req, nil
	} else if f != nil {
		j.partial, j.basis, size = f, f, n
	} else if r.Cfg.WholeFile {
		return req, nil
	} else if j.ex != nil && j.ex.Type == tree.TypeFile && j.ex.Size > 0 {
		if f, err := r.root.OpenRead(j.name); err == nil {
			j.basis, size = f, j.ex.Size
		}
	} else if j.alt != nil { // basis hook (basis.go): only read
		if f, err := j.alt.root.OpenRead(j.name); err == nil {
			j.basis = f
			if fi, err := f.Stat(); err == nil {
				size = fi.Size()
			}
		}
	} else if j.ex == nil && r.Cfg.Fuzzy { // fuzzy hook (fuzzy.go)
		if name := j.fuzzyBasis(); name != "" {
			if f, err := r.root.OpenRead(name); err == nil {
				if fi, err := f.Stat(); err == nil {
					j.basis, size = f, fi.Size()
				} else {
					f.Close()
				}
			}
		}
	}
	j.basisSize = size
	if j.basis == nil || size == 0 {
		j.closeBasis()
		return req, nil
	}
	p := delta.FerryParams(size, r.Cfg.Seed)
	if p.Check() != nil {
		j.closeBasis()
		return req, nil
	}
	// The request goes out before the basis is signed (sign, below), so
	// that the sender can start reading its source while this side reads
	// the basis.
	j.sig = true
	req.Flags |= wire.ReqBasis
	req.BlockLen, req.StrongLen = uint64(p.BlockLen), uint64(p.StrongLen)
	req.BlockCount, req.BasisSize = uint64((size+int64(p.BlockLen)-1)/int64(p.BlockLen)), size
	return req, &pendingSig{f: j.basis, size: size, p: p, count: int(req.BlockCount)}
}

// pendingSig is the signature a request announced: its basis, signed
// after the request was sent.
type pendingSig struct {
	f     io.ReaderAt
	size  int64
	p     delta.Params
	count int
}

// sign computes the announced signature. A basis that cannot be read
// gets blocks that match nothing: the file then comes whole, as when a
// basis cannot be opened. (Its file stays open until the job ends: the
// reader goroutine may already be finishing the job.)
func sign(ps *pendingSig) *delta.Signature {
	sig, err := delta.SignAt(ps.f, ps.size, ps.p)
	if err == nil && len(sig.Blocks) == ps.count {
		return sig
	}
	junk, _ := delta.NewSignature(ps.p)
	none := make([]byte, ps.p.StrongLen)
	for i := range ps.count {
		off := int64(i) * int64(ps.p.BlockLen)
		junk.Append(delta.Block{Offset: off, Len: int(min(int64(ps.p.BlockLen), ps.size-off))}, none)
	}
	return junk
}

// closeBasis closes the basis file and the partial data, if any. A basis
// the commit has just replaced may be the last reference to the old file:
// its freeing is left to the kernel (fsys.CloseReplaced).
func (j *job) closeBasis() {
	if j.basis != nil {
		fsys.CloseReplaced(j.basis)
	}
	if j.partial != nil && j.partial != j.basis {
		fsys.CloseReplaced(j.partial)
	}
	j.basis, j.partial, j.sig, j.basisSize, j.resume = nil, nil, false, 0, false
}

// sendSig sends a signature's blocks in SigBlocks messages.
func sendSig(c role.Conn, id uint64, sig *delta.Signature) error {
	const per = 8192
	for i := 0; i < len(sig.Blocks); i += per {
		n := min(per, len(sig.Blocks)-i)
		m := &wire.SigBlocks{ID: id, StrongLen: uint64(sig.StrongLen), Blocks: make([]wire.Block, n)}
		for k := range n {
			m.Blocks[k] = wire.Block{Weak: sig.Blocks[i+k].Weak, Strong: sig.StrongSum(i + k)}
		}
		if err := c.Send(m); err != nil {
			return err
		}
	}
	return nil
}
