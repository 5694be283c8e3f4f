package sender

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"syscall"

	"github.com/ferrysync/ferry/internal/link"
	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/tree"

	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/wire"
)

// maxBatchBytes bounds the encoded size of one Entries message.
const maxBatchBytes = 60 << 10

// streamer batches entries and in-stream errors under the credit window.
type streamer struct {
	s     *Engine
	ctx   context.Context
	batch []wire.Entry
	bytes int
	err   error
	// deleteOnly: the pass only deletes; the next one reports errors.
	deleteOnly bool
}

// takeCredit waits for one credit, and for room for size bytes in the
// entry window (wire.MaxEntryWindow).
func (st *streamer) takeCredit(size int) error {
	s := st.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.credits == 0 || !s.sent.room(size) {
		if s.closed {
			return link.ErrClosed
		}
		if err := s.Link.Down(); err != nil { // timeout hook (timeout.go)
			return err
		}
		if st.ctx.Err() != nil {
			return st.ctx.Err()
		}
		// Out of credit: push out what we have, then wait.
		if len(st.batch) > 0 {
			s.mu.Unlock()
			err := st.flush()
			s.mu.Lock()
			if err != nil {
				return err
			}
			continue
		}
		s.cond.Wait()
	}
	s.credits--
	s.sent.add(size)
	return nil
}

func (st *streamer) add(e *wire.Entry) error {
	size := wire.EntrySize(e)
	if err := st.takeCredit(size); err != nil {
		return err
	}
	st.batch = append(st.batch, *e)
	st.bytes += size
	if st.bytes >= maxBatchBytes || len(st.batch) >= 1024 {
		return st.flush()
	}
	return nil
}

func (st *streamer) flush() error {
	if len(st.batch) == 0 {
		return nil
	}
	m := &wire.Entries{Entries: st.batch}
	st.batch, st.bytes = make([]wire.Entry, 0, len(st.batch)), 0
	return st.s.Link.Send(m)
}

// walkError forwards a walk error in-stream, after the entries before it.
func (st *streamer) walkError(path string, err error) {
	code := role.ErrCode(err)
	if code != wire.ErrCodeVanished {
		code = wire.ErrCodeDirRead
	}
	st.fileError(&role.FileError{Op: "read", Path: path, Code: code, Err: err})
}

// fileError forwards a per-file error in-stream, after the entries before
// it.
func (st *streamer) fileError(fe *role.FileError) {
	if st.err != nil {
		return
	}
	if st.err = st.flush(); st.err != nil {
		return
	}
	w := role.ToWireError(0, fe)
	if st.err = st.takeCredit(wire.ErrorSize(w)); st.err != nil {
		return
	}
	st.s.countError()
	if st.s.Client && !st.deleteOnly { // the pass that transfers reports it
		st.s.Emit(role.Event{Kind: role.EventError, Path: fe.Path, Err: fe})
	}
	st.err = st.s.Link.Send(w)
}

func (s *Engine) countError() {
	s.mu.Lock()
	s.stats.Errors++
	s.mu.Unlock()
}

// stream sends the entries of one pass and EntriesEnd.
func (s *Engine) stream(ctx context.Context, pb *wire.PassBegin) error {
	st := &streamer{s: s, ctx: ctx, deleteOnly: pb.DeleteOnly}
	var hl tree.HardLinkTracker
	toWire := func(e *tree.Entry) error {
		we := toWireEntry(e)
		return st.add(&we)
	}
	send := toWire
	if s.Cfg.PruneEmptyDirs { // prune hook (sender_prune.go)
		p := &pruner{protect: s.protect}
		send = func(e *tree.Entry) error { return p.add(e, toWire) }
	}
	emit := func(e *tree.Entry) error {
		if e.Type != tree.TypeDir && (fsys.IsTempName(e.Name()) || fsys.IsClaimName(e.Name())) { // correctness hook: a killed run's temp file, a cooperating run's claim, is never an entry
			return nil
		}
		if s.Cfg.HardLinks && e.Type == tree.TypeFile {
			hl.Track(e)
		}
		if s.Client {
			s.Cfg.Tweak(e) // --chmod, --chown: the client's own
		}
		return send(e)
	}
	s.reportMissing(st, pb) // correctness hook (sender_missing.go)
	var err error
	if len(pb.Paths) == 0 {
		err = s.walkMerged(ctx, st, "", emit)
	} else {
		err = s.walkPaths(ctx, st, pb.Paths, pb.Root, emit)
	}
	if err == nil {
		err = st.err
	}
	if role.Cancelled(ctx, err) {
		// A cancelled pass: the stream ends here, cut short (the receiver
		// knows of the cancel first and deletes nothing on its account).
		if err := st.flush(); err != nil {
			return err
		}
		if err := s.Link.Send(&wire.EntriesEnd{Pass: pb.Pass}); err != nil {
			return err
		}
		return ctx.Err()
	}
	if err == nil {
		err = st.flush()
	}
	if err != nil {
		return err
	}
	return s.Link.Send(&wire.EntriesEnd{Pass: pb.Pass})
}

// walkPaths streams the implied parent directories and the subtree of
// each pass path, in canonical order.
func (s *Engine) walkPaths(ctx context.Context, st *streamer, paths []string, root bool, emit func(*tree.Entry) error) error {
	paths = role.NormalizePaths(paths)
	if root {
		if err := s.emitRoot(paths, emit); err != nil {
			return err
		}
	}
	sent := "" // last parent directory sent
	for _, p := range paths {
		// Implied parents, once each, so the receiver can create them.
		for i := 0; i < len(p) && !s.Cfg.NoImpliedDirs; i++ {
			if p[i] != '/' {
				continue
			}
			dir := p[:i]
			if tree.Compare(dir, sent) <= 0 && tree.Contains(dir, sent) {
				continue
			}
			for _, src := range s.srcs {
				if !src.implies(dir) {
					continue
				}
				if e, err := tree.LstatEntry(src.root, dir); err == nil && e.Type == tree.TypeDir {
					if err := emit(e); err != nil {
						return err
					}
					break
				}
			}
			sent = dir
		}
		if err := s.walkMerged(ctx, st, p, emit); err != nil {
			return err
		}
	}
	return nil
}

// emitRoot streams the transfer root's own entry (".", of a source whose
// contents are sent) ahead of the paths of a path pass that asks for it
// (PassBegin.Root: a watch's): a name made or removed at the top changes
// the root's times, which the receiver then applies as a full pass would.
// Not when "." is itself a pass path (its walk sends it), nor with
// --no-implied-dirs. Other path passes (--files-from, -R) leave the root
// alone, as rsync does.
func (s *Engine) emitRoot(paths []string, emit func(*tree.Entry) error) error {
	if s.Cfg.NoImpliedDirs || len(paths) == 0 || paths[0] == "." {
		return nil
	}
	for _, src := range s.srcs {
		if src.name != "" {
			continue
		}
		if e, err := tree.LstatEntry(src.root, "."); err == nil && e.Type == tree.TypeDir {
			return emit(e)
		}
		return nil
	}
	return nil
}

// walkMerged walks start ("" for the whole transfer) in every source that
// covers it and merges the walks in canonical order; on a name present in
// several sources, the first source wins.
func (s *Engine) walkMerged(ctx context.Context, st *streamer, start string, emit func(*tree.Entry) error) error {
	type head struct {
		w tree.EntryWalker
		e *tree.Entry
	}
	var heads []*head
	defer func() {
		for _, h := range heads {
			h.w.Close()
		}
	}()
	for _, src := range s.srcs {
		if start != "" && !src.covers(start) {
			continue
		}
		o := src.walkOptions(start, &s.Cfg, s.filter)
		o.OnError = st.walkError
		if pf := s.walkDirs[src]; pf != nil {
			o.Dirs = pf
		}
		var w tree.EntryWalker
		if start == "" && src.name == "" && o.Recursive && !o.OneFileSystem {
			w = tree.NewParWalker(src.root, o) // by top-level directory, in parallel
		} else {
			w = tree.NewWalker(src.root, o)
		}
		h := &head{w: w}
		e, err := w.Next()
		switch {
		case err == nil:
			h.e = e
			heads = append(heads, h)
		case errors.Is(err, io.EOF):
			w.Close()
		case start != "" && errors.Is(err, fs.ErrNotExist) && !s.Cfg.StrictPaths:
			w.Close() // a pass path that is gone: the receiver deletes it
		case start != "" && errors.Is(err, fs.ErrNotExist):
			// -R or --files-from named it: an error, as in rsync (23,
			// not 24: it never existed as far as the run knows).
			w.Close()
			st.fileError(&role.FileError{Op: "source", Path: start, Code: wire.ErrCodeIO, Err: &fs.PathError{Op: "link_stat", Path: start, Err: syscall.ENOENT}})
		default:
			w.Close()
			st.walkError(displayStart(start, src), err)
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if st.err != nil {
			return st.err
		}
		var best *head
		for _, h := range heads {
			if h.e != nil && (best == nil || tree.Compare(h.e.Path, best.e.Path) < 0) {
				best = h
			}
		}
		if best == nil {
			return nil
		}
		e := best.e
		for _, h := range heads {
			if h != best && h.e != nil && h.e.Path == e.Path {
				if h.e.Type == tree.TypeDir && e.Type != tree.TypeDir {
					h.w.SkipDir()
				}
				if err := advance(h.w, &h.e); err != nil {
					return err
				}
			}
		}
		if err := emit(e); err != nil {
			return err
		}
		if err := advance(best.w, &best.e); err != nil {
			return err
		}
	}
}

func displayStart(start string, src *source) string {
	if start != "" {
		return start
	}
	if src.name != "" {
		return src.name
	}
	return "."
}

func advance(w tree.EntryWalker, e **tree.Entry) error {
	n, err := w.Next()
	if errors.Is(err, io.EOF) {
		*e = nil
		return nil
	}
	if err != nil {
		*e = nil
		return err
	}
	*e = n
	return nil
}

func toWireEntry(e *tree.Entry) wire.Entry {
	return wire.Entry{
		Path: e.Path, Type: uint8(e.Type), Mode: e.Mode, Size: e.Size, MTime: e.MTime,
		UID: e.UID, GID: e.GID, User: e.User, Group: e.Group,
		LinkTarget: e.LinkTarget, Rdev: e.Rdev, HardLink: e.HardLink, Checksum: e.Checksum,
		Xattrs: role.ToWireXattrs(e.Xattrs),
	}
}
