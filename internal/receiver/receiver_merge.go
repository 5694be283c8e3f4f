package receiver

import (
	"context"
	"fmt"
	"path"

	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/tree"

	"github.com/ferrysync/ferry/internal/wire"
)

// merger is the state of one pass's merge join.
type merger struct {
	r     *Engine
	ctx   context.Context
	paths []string // the pass's paths; nil: the whole tree
	// implied is the parent --no-implied-dirs created last (receiver_implied.go).
	implied string
	// deleteOnly: the pass only deletes (--delete-before);
	// deletesDone: a delete-only pass did, so this one does not.
	deleteOnly, deletesDone bool

	dest    []tree.EntryWalker // destination walks, in order
	d       *tree.Entry        // lookahead of the destination walk
	dirs    []*dirNode         // source directories on the current path
	dels    []*delDir          // extraneous directories being emptied
	protect []string           // paths whose source side could not be read
	refused []string           // -K symlinks leading outside the destination
	prev    string
	owed    int
	batch   []wire.Entry // entries of the Entries message being taken apart

	prefetch *tree.Prefetcher // the destination's, if any

	partialDirs map[string]bool // directories seen to hold a partial directory (receiver_partial.go)
	ended       bool            // the entry stream's end was taken
	// taken and credited count the stream items (entries, in-stream
	// errors) taken from the reader and credited back: equal once an item
	// is processed; a cancelled pass credits the difference.
	taken, credited int64
	destCut         bool // a destination walk ended on an error
}

// next item from the reader.
func (m *merger) next() (item, error) {
	if len(m.batch) == 0 {
		select {
		case it := <-m.r.items:
			if it.es == nil {
				if it.end == nil {
					m.taken++
				}
				if it.err != nil {
					m.r.queuedBytes.Add(-int64(wire.ErrorSize(it.err)))
				}
				return it, nil
			}
			m.batch = it.es
		case <-m.r.Link.Done():
			return item{}, m.r.Link.Err()
		case <-m.ctx.Done():
			return item{}, m.ctx.Err()
		}
	}
	e := &m.batch[0]
	m.batch = m.batch[1:]
	m.r.queued.Add(-1)
	m.r.queuedBytes.Add(-int64(wire.EntrySize(e)))
	m.taken++
	return item{e: e}, nil
}

// credit returns one consumed item's credit to the sender, in batches.
func (m *merger) credit() error {
	m.credited++
	m.owed++
	if m.owed >= 64 || (len(m.r.items) == 0 && len(m.batch) == 0) {
		n := m.owed
		m.owed = 0
		return m.r.Link.Send(&wire.Credit{N: uint64(n)})
	}
	return nil
}

func (r *Engine) merge(ctx context.Context, pb *wire.PassBegin, deletesDone bool) error {
	m := &merger{r: r, ctx: ctx, paths: role.NormalizePaths(pb.Paths), deleteOnly: pb.DeleteOnly, deletesDone: deletesDone}
	r.coop = coopState{} // coop hook (coop.go): what a cut-short pass skipped is the next pass's to find
	err := m.run(pb)
	if role.Cancelled(ctx, err) && !m.ended {
		if derr := m.drainCancelled(); derr != nil {
			return derr
		}
	}
	return err
}

// run merge-joins the pass's entry stream with the destination.
func (m *merger) run(pb *wire.PassBegin) error {
	r := m.r
	if len(pb.Paths) > 0 && len(m.paths) == 0 {
		return fmt.Errorf("%w: no valid pass path", role.ErrProtocol)
	}
	defer func() {
		for _, w := range m.dest {
			w.Close()
		}
		if m.prefetch != nil {
			m.prefetch.Stop()
		}
	}()
	it, err := m.next()
	if err != nil {
		return err
	}
	if r.Cfg.ListOnly {
		return m.list(it, pb) // list hook (receiver_list.go)
	}
	if r.root == nil {
		// Pass 0: look at the first entry (and whether another follows)
		// to decide where the destination is. Sources that failed are
		// reported first; when all failed, nothing is created.
		failed := 0
		if it, failed, err = m.nextEntry(it); err != nil {
			return err
		}
		var first *tree.Entry
		only := false
		var second item
		if it.e != nil {
			first = role.FromWireEntry(it.e)
			if second, _, err = m.nextEntry(item{}); err != nil {
				return err
			}
			only = second.end != nil
		}
		if first == nil && failed > 0 {
			return m.endPass(it, pb)
		}
		if err := r.openDest(first, only); err != nil {
			return err
		}
		m.startDestWalks()
		if it.e != nil {
			if err := m.item(it); err != nil {
				return err
			}
			it = second
		}
	} else {
		m.startDestWalks()
	}
	for it.end == nil {
		if err := m.item(it); err != nil {
			return err
		}
		if it, err = m.next(); err != nil {
			return err
		}
	}
	return m.endPass(it, pb)
}

// nextEntry reports the failed sources (error items) from it on, it
// included unless zero, and returns the first entry or end that follows
// with the number of failures.
func (m *merger) nextEntry(it item) (item, int, error) {
	failed := 0
	for {
		if it.e == nil && it.err == nil && it.end == nil {
			var err error
			if it, err = m.next(); err != nil {
				return it, failed, err
			}
		}
		if it.err == nil {
			return it, failed, nil
		}
		if err := m.item(it); err != nil {
			return it, failed, err
		}
		failed++
		it = item{}
	}
}

// endPass finishes a pass at its entries end: what is left of the
// destination walk is extraneous.
func (m *merger) endPass(it item, pb *wire.PassBegin) error {
	r := m.r
	m.ended = true
	if it.end.Pass != pb.Pass {
		return fmt.Errorf("%w: entries end of pass %d in pass %d", role.ErrProtocol, it.end.Pass, pb.Pass)
	}
	if err := m.ctx.Err(); err != nil {
		// Cancelled: the stream may have been cut short, so what the
		// destination walk has left is not known to be extraneous.
		return err
	}
	// Whatever is left of the destination walk is extraneous.
	if err := m.drainDest(""); err != nil {
		return err
	}
	if err := m.recheckClaims(); err != nil { // coop hook (coop.go)
		return err
	}
	m.flushDeletes("") // before the directories' times are set: a removal changes them
	m.leaveDirs("")
	if m.owed > 0 {
		return r.Link.Send(&wire.Credit{N: uint64(m.owed)})
	}
	return nil
}

// item processes one stream item.
func (m *merger) item(it item) error {
	if m.r.order != nil {
		m.r.order.waitRoom()
	}
	if err := m.credit(); err != nil {
		return err
	}
	if it.err != nil {
		fe := m.r.FromWireError(it.err)
		if m.r.Client && !m.deleteOnly { // the pass that transfers reports it
			m.r.Emit(role.Event{Kind: role.EventError, Path: it.err.Path, Err: fe})
		}
		if tree.ValidPath(it.err.Path) == nil && !m.protected(it.err.Path) {
			m.protect = append(m.protect, it.err.Path)
			if m.r.Cfg.Delete && !m.r.Cfg.IgnoreErrors && !m.deleteOnly {
				m.r.report(role.Event{Kind: role.EventNotice, Path: it.err.Path, Err: role.ErrDeleteSkipped})
			}
		}
		return nil
	}
	s := role.FromWireEntry(it.e)
	if m.r.Client {
		m.r.Cfg.Tweak(s) // --chmod, --chown: the client's own
	}
	if m.r.Cfg.NoSetID {
		s.Mode &^= 0o6000 // a daemon's module without allow_setid
	}
	if err := tree.ValidPath(s.Path); err != nil {
		return fmt.Errorf("%w: %w", role.ErrProtocol, err)
	}
	if m.prev != "" && tree.Compare(m.prev, s.Path) >= 0 {
		return fmt.Errorf("%w: entry %q out of order after %q", role.ErrProtocol, s.Path, m.prev)
	}
	m.prev = s.Path
	if err := m.drainDest(s.Path); err != nil {
		return err
	}
	m.flushDeletes(s.Path) // before the directories' times are set: a removal changes them
	m.leaveDirs(s.Path)
	if m.underRefused(s.Path) {
		return nil
	}
	m.impliedDirs(s.Path) // --no-implied-dirs (receiver_implied.go)
	var ex *tree.Entry
	viaLink, refused := false, false
	if m.d != nil && m.d.Path == s.Path {
		ex = m.d
		if ex.Type == tree.TypeDir && s.Type != tree.TypeDir {
			m.destWalker().SkipDir()
		}
		if m.keepLink(s, ex) {
			ex, refused = m.keepDirLink(s, ex, m.r.dstName(s.Path), true)
			viaLink = ex.Type == tree.TypeDir
		}
		if err := m.advanceDest(); err != nil {
			return err
		}
	} else if (m.paths != nil || m.r.fileMode != "") && !m.inMadeDir(s.Path) {
		ex = m.r.lstat(m.r.dstName(s.Path))
		if m.keepLink(s, ex) {
			ex, refused = m.keepDirLink(s, ex, m.r.dstName(s.Path), false)
			viaLink = ex.Type == tree.TypeDir
		}
	}
	if refused {
		m.refuseDirLink(s, ex)
		return nil
	}
	if ex == nil {
		ex = m.hiddenDest(s) // correctness hook (receiver_conflict.go)
	}
	parent := m.parentNode(s.Path)
	if m.deleteOnly {
		if s.Type == tree.TypeDir {
			m.pushDir(s, parent, false, false) // its extraneous entries are deleted
		}
		return nil
	}
	if parent == nil && s.Path != "." && path.Dir(s.Path) != "." && !m.r.Cfg.NoImpliedDirs {
		m.r.fail("sync", s.Path, fmt.Errorf("parent directory not in the transfer"))
		return nil
	}
	if err := m.r.process(m, s, ex, parent); err != nil {
		return err
	}
	if n := len(m.dirs); viaLink && n > 0 && m.dirs[n-1].path == s.Path {
		m.dirs[n-1].viaLink = true
	}
	return nil
}

// keepLink reports whether -K applies: the destination has a symlink ex
// where the source has the directory s.
func (m *merger) keepLink(s, ex *tree.Entry) bool {
	return m.r.Cfg.KeepDirLinks && s.Type == tree.TypeDir && ex != nil && ex.Type == tree.TypeSymlink
}

// drainDest handles every destination entry before upTo ("" for all):
// none of them is in the source.
func (m *merger) drainDest(upTo string) error {
	for m.d != nil && (upTo == "" || tree.Compare(m.d.Path, upTo) < 0) {
		d := m.d
		m.flushDeletes(d.Path)
		if m.deletable(d.Path) && (!d.Protected || d.Perishable && m.inDeletion(d.Path)) {
			m.r.deleteEntry(m, d)
		} else if d.Type == tree.TypeDir {
			m.destWalker().SkipDir()
		}
		if err := m.advanceDest(); err != nil {
			return err
		}
	}
	return nil
}

// deletable reports whether the extraneous destination entry p may go.
func (m *merger) deletable(p string) bool {
	if !m.r.Cfg.Delete || m.deletesDone {
		return false
	}
	if m.r.coopKeeps(p) { // coop hook (coop.go)
		return false
	}
	if m.protected(p) || m.r.protectedBackup(p) { // backup hook (backup.go)
		return false
	}
	if n := len(m.dels); n > 0 && tree.Contains(m.dels[n-1].path, p) {
		return true
	}
	if !m.r.deletableInShard(p) { // shard hook (shard.go)
		return false
	}
	for _, q := range m.paths {
		if q == p {
			return true
		}
	}
	if d := m.dirOf(p); d != nil {
		return d.full
	}
	return false
}

// inDeletion reports whether p lies inside the extraneous directory being
// deleted, where perishable rules protect nothing (rsync's "p").
func (m *merger) inDeletion(p string) bool {
	n := len(m.dels)
	return n > 0 && p != m.dels[n-1].path && tree.Contains(m.dels[n-1].path, p)
}

// protected reports whether p lies under a path the sender failed to read
// (unless IgnoreErrors).
func (m *merger) protected(p string) bool {
	if m.r.Cfg.IgnoreErrors {
		return false
	}
	for _, q := range m.protect {
		if tree.Contains(q, p) {
			return true
		}
	}
	return false
}

// full reports whether directory p is sent with all its contents, so its
// extraneous destination entries may be deleted.
func (m *merger) full(p string) bool {
	if !m.r.Cfg.Recursive {
		return false
	}
	if m.paths == nil {
		return true
	}
	for _, q := range m.paths {
		if tree.Contains(q, p) {
			return true
		}
	}
	return false
}

// inMadeDir reports whether p's parent directory was created by this pass,
// so that nothing is at p yet (a path pass over a new directory, a tar
// extracted into a watched tree, skips one lookup per entry). Not with
// --cooperate, whose other runs fill the same directories at once.
func (m *merger) inMadeDir(p string) bool {
	parent := m.parentNode(p)
	return parent != nil && parent.made && !m.r.Cfg.Cooperate
}
