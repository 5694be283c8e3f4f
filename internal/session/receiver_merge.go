package session

import (
	"context"
	"fmt"
	"path"
	"syscall"

	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
)

// merger is the state of one pass's merge join.
type merger struct {
	r     *receiver
	ctx   context.Context
	paths []string // the pass's paths; nil: the whole tree

	dest    []entryWalker // destination walks, in order
	d       *tree.Entry   // lookahead of the destination walk
	dirs    []*dirNode    // source directories on the current path
	dels    []*delDir     // extraneous directories being emptied
	protect []string      // paths whose source side could not be read
	prev    string
	owed    int
	batch   []wire.Entry // entries of the Entries message being taken apart

	prefetch *tree.Prefetcher // the destination's, if any
}

// next item from the reader.
func (m *merger) next() (item, error) {
	if len(m.batch) == 0 {
		select {
		case it := <-m.r.items:
			if it.es == nil {
				return it, nil
			}
			m.batch = it.es
		case <-m.r.c.done:
			return item{}, m.r.c.Err()
		case <-m.ctx.Done():
			return item{}, m.ctx.Err()
		}
	}
	e := &m.batch[0]
	m.batch = m.batch[1:]
	m.r.queued.Add(-1)
	return item{e: e}, nil
}

// credit returns one consumed item's credit to the sender, in batches.
func (m *merger) credit() error {
	m.owed++
	if m.owed >= 64 || (len(m.r.items) == 0 && len(m.batch) == 0) {
		n := m.owed
		m.owed = 0
		return m.r.c.send(&wire.Credit{N: uint64(n)})
	}
	return nil
}

func (r *receiver) merge(ctx context.Context, pb *wire.PassBegin) error {
	m := &merger{r: r, ctx: ctx, paths: normalizePaths(pb.Paths)}
	if len(pb.Paths) > 0 && len(m.paths) == 0 {
		return fmt.Errorf("%w: no valid pass path", ErrProtocol)
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
	if r.root == nil {
		// Pass 0: look at the first entry (and whether another follows)
		// to decide where the destination is.
		var first *tree.Entry
		only := false
		var second item
		if it.e != nil {
			first = fromWireEntry(it.e)
			second, err = m.next()
			if err != nil {
				return err
			}
			only = second.end != nil
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
	if it.end.Pass != pb.Pass {
		return fmt.Errorf("%w: entries end of pass %d in pass %d", ErrProtocol, it.end.Pass, pb.Pass)
	}
	// Whatever is left of the destination walk is extraneous.
	if err := m.drainDest(""); err != nil {
		return err
	}
	m.leaveDirs("")
	m.flushDeletes("")
	if m.owed > 0 {
		return r.c.send(&wire.Credit{N: uint64(m.owed)})
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
		fe := fromWireError(it.err)
		if tree.ValidPath(it.err.Path) == nil {
			m.protect = append(m.protect, it.err.Path)
		}
		if m.r.client {
			m.r.emit(Event{Kind: EventError, Path: it.err.Path, Err: fe})
		}
		return nil
	}
	s := fromWireEntry(it.e)
	if err := tree.ValidPath(s.Path); err != nil {
		return fmt.Errorf("%w: %w", ErrProtocol, err)
	}
	if m.prev != "" && tree.Compare(m.prev, s.Path) >= 0 {
		return fmt.Errorf("%w: entry %q out of order after %q", ErrProtocol, s.Path, m.prev)
	}
	m.prev = s.Path
	if err := m.drainDest(s.Path); err != nil {
		return err
	}
	m.leaveDirs(s.Path)
	m.flushDeletes(s.Path)
	var ex *tree.Entry
	if m.d != nil && m.d.Path == s.Path {
		ex = m.d
		if ex.Type == tree.TypeDir && s.Type != tree.TypeDir {
			m.destWalker().SkipDir()
		}
		if err := m.advanceDest(); err != nil {
			return err
		}
	} else if m.paths != nil || m.r.fileMode != "" {
		ex = m.r.lstat(m.r.dstName(s.Path))
	}
	if ex == nil {
		ex = m.hiddenDest(s) // correctness hook (receiver_conflict.go)
	}
	parent := m.parentNode(s.Path)
	if parent == nil && s.Path != "." && path.Dir(s.Path) != "." {
		m.r.fail("sync", s.Path, fmt.Errorf("parent directory not in the transfer"))
		return nil
	}
	return m.r.process(m, s, ex, parent)
}

// drainDest handles every destination entry before upTo ("" for all):
// none of them is in the source.
func (m *merger) drainDest(upTo string) error {
	for m.d != nil && (upTo == "" || tree.Compare(m.d.Path, upTo) < 0) {
		d := m.d
		m.flushDeletes(d.Path)
		if m.deletable(d.Path) {
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
	if !m.r.cfg.Delete {
		return false
	}
	if m.protected(p) || m.r.protectedBackup(p) { // backup hook (backup.go)
		return false
	}
	if n := len(m.dels); n > 0 && tree.Contains(m.dels[n-1].path, p) {
		return true
	}
	for _, q := range m.paths {
		if q == p {
			return true
		}
	}
	dir := path.Dir(p)
	for i := len(m.dirs) - 1; i >= 0; i-- {
		if m.dirs[i].path == dir {
			return m.dirs[i].full
		}
	}
	return false
}

// protected reports whether p lies under a path the sender failed to read.
func (m *merger) protected(p string) bool {
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
	if !m.r.cfg.Recursive {
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

// delDir is an extraneous directory being emptied.
type delDir struct {
	path string
	gone int  // entries directly inside that went (or, in a dry run, would go)
	kept bool // an entry directly inside stays
}

// deletedIn notes the fate of the extraneous entry p: if it is directly
// inside the directory being emptied, that directory counts it.
func (m *merger) deletedIn(p string, gone bool) {
	n := len(m.dels)
	if n == 0 || path.Dir(p) != m.dels[n-1].path {
		return
	}
	if gone {
		m.dels[n-1].gone++
	} else {
		m.dels[n-1].kept = true
	}
}

// flushDeletes removes the extraneous directories that p is not inside,
// now that their contents are gone ("" for all). One that keeps something
// (an excluded entry, which the walk does not show, or one that failed to
// go) stays, with rsync's notice; a dry run tells by counting what is in
// it.
func (m *merger) flushDeletes(p string) {
	r := m.r
	for n := len(m.dels); n > 0 && (p == "" || !tree.Contains(m.dels[n-1].path, p)); n = len(m.dels) {
		d := m.dels[n-1]
		m.dels = m.dels[:n-1]
		var err error
		if r.cfg.DryRun {
			if d.kept || r.entriesIn(d.path) != d.gone {
				err = syscall.ENOTEMPTY
			}
		} else {
			err = r.root.Remove(d.path)
		}
		switch {
		case err != nil && notEmpty(err): // correctness hook (receiver_conflict.go)
			r.report(Event{Kind: EventNotice, Path: d.path, Err: ErrDirNotEmpty})
		case err != nil:
			r.fail("delete", d.path, err)
		}
		m.deletedIn(d.path, err == nil)
		if err == nil {
			r.count(func(st *Stats) { st.Deleted++ })
			r.report(Event{Kind: EventDeleted, Path: d.path + "/", Itemize: itemDeleting})
		}
	}
}

// entriesIn counts the entries of the destination directory p (-1 when
// it cannot be read).
func (r *receiver) entriesIn(p string) int {
	f, err := r.root.OSRoot().Open(p)
	if err != nil {
		return -1
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return -1
	}
	return len(names)
}
