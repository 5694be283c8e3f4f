package session

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"

	"github.com/ferrysync/ferry/delta"
	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
	"github.com/zeebo/blake3"
)

var errExist = fs.ErrExist

// job is one regular file being received.
type job struct {
	r         *receiver
	id        uint64
	s, ex     *tree.Entry
	dir       *dirNode
	name      string
	itemize   string
	in        chan wire.Message
	followers []follower // hard links waiting for this file (guarded by r.mu)
}

type follower struct {
	s, ex *tree.Entry
	dir   *dirNode
	name  string
}

// startFile starts the job of a file that needs data, waiting for a free
// request slot.
func (r *receiver) startFile(m *merger, s, ex *tree.Entry, parent *dirNode, name, it string) error {
	if r.cfg.DryRun {
		r.created(s, ex, it)
		if ex == nil || ex.Type != tree.TypeFile {
			return nil
		}
		r.count(func(st *Stats) { st.FilesTransferred++ })
		return nil
	}
	if s.Size == 0 {
		// Nothing to ask for: write the empty file here.
		if err := r.writeEmpty(s, name); err != nil {
			r.fail("create", s.Path, err)
			return nil
		}
		r.count(func(st *Stats) { st.FilesTransferred++ })
		r.created(s, ex, it)
		return nil
	}
	select {
	case r.slots <- struct{}{}:
	case <-r.c.done:
		return r.c.Err()
	case <-m.ctx.Done():
		return m.ctx.Err()
	}
	j := &job{r: r, s: s, ex: ex, dir: parent, name: name, itemize: it, in: make(chan wire.Message, 8)}
	r.mu.Lock()
	r.nextID++
	j.id = r.nextID
	r.jobs[j.id] = j
	if r.cfg.HardLinks {
		r.byPath[s.Path] = j
	}
	r.mu.Unlock()
	r.addPending(parent)
	r.pending.Add(1)
	go j.run()
	return nil
}

func (r *receiver) writeEmpty(s *tree.Entry, name string) error {
	t, err := r.root.CreateTemp(name)
	if err != nil {
		return err
	}
	return t.Commit(r.meta(s), r.preserve())
}

// run transfers the file, retrying once whole-file when the result does
// not verify, then releases its slot.
func (j *job) run() {
	r := j.r
	defer r.pending.Done()
	ok, err := j.transfer(false)
	if err == nil && !ok {
		ok, err = j.transfer(true)
		if err == nil && !ok {
			err = &FileError{Op: "verify", Path: j.s.Path, Code: wire.ErrCodeIO, Err: ErrChecksum}
		}
	}
	r.mu.Lock()
	delete(r.jobs, j.id)
	delete(r.byPath, j.s.Path)
	followers := j.followers
	j.followers = nil
	r.mu.Unlock()
	<-r.slots
	if err != nil {
		var fe *FileError
		if !errors.As(err, &fe) || !fe.Remote || r.client {
			if !errors.Is(err, errConnDown) {
				r.fail("transfer", j.s.Path, err)
			}
		}
	} else {
		r.count(func(st *Stats) { st.FilesTransferred++ })
		r.created(j.s, j.ex, j.itemize)
	}
	for _, f := range followers {
		if err == nil {
			r.link(f.s, f.ex, r.dstName(j.s.Path), f.name)
		}
		r.dirProgress(f.dir, 1)
	}
	r.dirProgress(j.dir, 1)
}

var errConnDown = errors.New("connection down")

// transfer requests the file (against the basis unless whole) and writes
// it. It reports false when the data did not verify.
func (j *job) transfer(whole bool) (bool, error) {
	r := j.r
	var basis *os.File
	if !whole && !r.cfg.WholeFile && !r.cfg.Inplace && j.ex != nil && j.ex.Type == tree.TypeFile && j.ex.Size > 0 {
		if f, err := r.root.OpenRead(j.name); err == nil {
			basis = f
			defer f.Close()
		}
	}
	req := &wire.FileRequest{ID: j.id, Path: j.s.Path}
	if whole {
		req.Flags |= wire.ReqRedo
	}
	var sig *delta.Signature
	if basis != nil {
		var err error
		sig, err = delta.Sign(basis, delta.FerryParams(j.ex.Size, r.cfg.Seed))
		if err != nil {
			basis, sig = nil, nil
		} else {
			req.Flags |= wire.ReqBasis
			req.BlockLen, req.StrongLen = uint64(sig.BlockLen), uint64(sig.StrongLen)
			req.BlockCount, req.BasisSize = uint64(len(sig.Blocks)), j.ex.Size
		}
	}
	var t *fsys.Temp
	var err error
	if r.cfg.Inplace {
		t, err = r.root.OpenInplace(j.name)
	} else {
		t, err = r.root.CreateTemp(j.name)
	}
	if err != nil {
		// Tell nobody: the request was never sent.
		return false, &FileError{Op: "create", Path: j.s.Path, Code: errCode(err), Err: err}
	}
	if err := r.c.send(req); err != nil {
		t.Abort()
		return false, errConnDown
	}
	if sig != nil {
		if err := sendSig(r.c, j.id, sig); err != nil {
			t.Abort()
			return false, errConnDown
		}
	}
	return j.receive(t, basis)
}

// sendSig sends a signature's blocks in SigBlocks messages.
func sendSig(c *conn, id uint64, sig *delta.Signature) error {
	const per = 8192
	for i := 0; i < len(sig.Blocks); i += per {
		n := min(per, len(sig.Blocks)-i)
		m := &wire.SigBlocks{ID: id, StrongLen: uint64(sig.StrongLen), Blocks: make([]wire.Block, n)}
		for k := range n {
			m.Blocks[k] = wire.Block{Weak: sig.Blocks[i+k].Weak, Strong: sig.StrongSum(i + k)}
		}
		if err := c.send(m); err != nil {
			return err
		}
	}
	return nil
}

// hashWriter writes to w and hashes what it writes.
type hashWriter struct {
	w io.Writer
	h *blake3.Hasher
	n int64
}

func (h *hashWriter) Write(p []byte) (int, error) {
	n, err := h.w.Write(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	return n, err
}

// receive applies the data of one file to t until FileEnd or FileError.
func (j *job) receive(t *fsys.Temp, basis *os.File) (bool, error) {
	r := j.r
	hw := &hashWriter{w: t, h: blake3.New()}
	var p *delta.Patcher
	if basis != nil {
		p = delta.NewPatcher(io.NewSectionReader(basis, 0, j.ex.Size), hw)
	} else {
		p = delta.NewPatcher(bytes.NewReader(nil), hw)
	}
	var werr error
	for {
		var m wire.Message
		select {
		case m = <-j.in:
		case <-r.c.done:
			t.Abort()
			return false, errConnDown
		}
		switch m := m.(type) {
		case *wire.Data:
			for _, op := range m.Ops {
				if werr != nil {
					break
				}
				if op.Kind == wire.OpCopy {
					werr = p.Copy(op.Offset, op.Length)
				} else {
					werr = p.Literal(op.Data)
				}
			}
		case *wire.FileError:
			t.Abort()
			return false, fromWireError(m)
		case *wire.FileEnd:
			if werr != nil {
				t.Abort()
				return false, &FileError{Op: "write", Path: j.s.Path, Code: errCode(werr), Err: werr}
			}
			if hw.n != m.Size || !bytes.Equal(hw.h.Sum(nil), m.Sum) {
				t.Abort()
				return false, nil
			}
			if r.cfg.Inplace {
				if err := t.File().Truncate(hw.n); err != nil {
					t.Abort()
					return false, &FileError{Op: "truncate", Path: j.s.Path, Code: errCode(err), Err: err}
				}
			}
			if err := t.Commit(r.meta(j.s), r.preserve()); err != nil {
				return false, &FileError{Op: "commit", Path: j.s.Path, Code: errCode(err), Err: err}
			}
			return true, nil
		}
	}
}

// deleteEntry deletes (or, in a dry run, reports) an extraneous
// destination entry. A directory is emptied first: its contents follow in
// the walk, and it is removed when the walk leaves it.
func (r *receiver) deleteEntry(m *merger, d *tree.Entry) {
	r.count(func(st *Stats) { st.Deleted++ })
	if n := len(m.dirs); n > 0 && !r.cfg.DryRun {
		r.touchDir(m.dirs[n-1])
	}
	if d.Type == tree.TypeDir {
		m.dels = append(m.dels, d.Path)
	} else if !r.cfg.DryRun {
		if err := r.root.Remove(d.Path); err != nil {
			r.fail("delete", d.Path, err)
			return
		}
	}
	p := d.Path
	if d.Type == tree.TypeDir {
		p += "/"
	}
	r.report(Event{Kind: EventDeleted, Path: p, Itemize: itemDeleting})
}
