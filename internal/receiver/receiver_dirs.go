package receiver

import (
	"path"

	"github.com/ferrysync/ferry/internal/tree"
)

// dirNode is a source directory whose metadata is applied once the stream
// has left it and every change inside it is done, so that no write lands
// after its times are set.
//
// pending counts the changes still to come inside the directory, whichever
// goroutine makes them: each subdirectory until it is finished itself;
// each file job (created ahead, written by the reader or a copier,
// committed by the committer or the copier, its partial data removed or
// kept) until job.finish, hard links waiting for their leader included;
// each extraneous directory until flushDeletes removes it. Changes the
// merge goroutine makes at once (deleting a file, symlinks, special files,
// empty files, making room for an entry) come before the merge leaves the
// directory, and need no count.
type dirNode struct {
	path   string
	s      *tree.Entry
	full   bool     // its extraneous destination entries may be deleted
	parent *dirNode // nil at the top
	apply  bool     // metadata to apply at the end
	// existed: the directory was in the destination before this pass, so
	// it may hold partial data of an earlier run (receiver_partial.go).
	existed bool
	// made: this pass created it (its mkdir succeeded), so nothing is in
	// it but what the pass puts there: a path pass need not look up its
	// entries in the destination one by one.
	made bool
	// claimed lists the names whose partial data a file job took up
	// (merge goroutine only; receiver_partial.go).
	claimed map[string]bool
	// viaLink: the destination has a symlink to the directory (-K)
	viaLink bool

	// guarded by receiver.dirMu
	pending int  // changes still to come inside (see above)
	left    bool // the stream has moved past it
	// held: deletions inside wait for the end of the pass, which applies
	// the metadata after them (its mode may forbid them).
	held bool
}

// parentNode returns the node of p's parent directory, if it is on the
// stack.
func (m *merger) parentNode(p string) *dirNode {
	if n := len(m.dirs); n > 0 && m.dirs[n-1].path == path.Dir(p) && p != "." {
		return m.dirs[n-1]
	}
	return nil
}

// pushDir puts a directory on the stack.
func (m *merger) pushDir(s *tree.Entry, parent *dirNode, apply, existed bool) {
	n := &dirNode{path: s.Path, s: s, full: m.full(s.Path) && !m.protected(s.Path), parent: parent, apply: apply, existed: existed}
	if parent != nil {
		m.r.dirMu.Lock()
		parent.pending++
		m.r.dirMu.Unlock()
	}
	m.dirs = append(m.dirs, n)
}

// dirOf returns the node of the directory p is in, if it is on the stack.
func (m *merger) dirOf(p string) *dirNode {
	if p == "." {
		return nil
	}
	dir := path.Dir(p)
	for i := len(m.dirs) - 1; i >= 0; i-- {
		if m.dirs[i].path == dir {
			return m.dirs[i]
		}
	}
	return nil
}

// leaveDirs marks the directories that p is not inside as left ("" for
// all).
func (m *merger) leaveDirs(p string) {
	for n := len(m.dirs); n > 0 && (p == "" || !tree.Contains(m.dirs[n-1].path, p)); n = len(m.dirs) {
		d := m.dirs[n-1]
		m.dirs = m.dirs[:n-1]
		m.cleanPartials(d) // before its times are applied
		m.r.dirMu.Lock()
		d.left = true
		m.r.dirMu.Unlock()
		m.r.dirProgress(d, 0)
	}
}

// dirProgress subtracts done from d's pending count and finishes d (and,
// in turn, its parents) when nothing is pending any more.
func (r *Engine) dirProgress(d *dirNode, done int) {
	for d != nil {
		r.dirMu.Lock()
		d.pending -= done
		finished := d.left && d.pending == 0
		apply := d.apply && !d.held
		if finished {
			d.pending = -1 // never again
		}
		r.dirMu.Unlock()
		if !finished {
			return
		}
		switch {
		case !apply || r.Cfg.DryRun:
		case r.Cfg.KeepDirLinks:
			// A directory may be written through a symlink after its
			// own node finished: its times are set at the end of the
			// pass (applyDeferredDirs).
			r.dirMu.Lock()
			r.deferredDirs = append(r.deferredDirs, d)
			r.dirMu.Unlock()
		default:
			r.applyDirMeta(d)
		}
		d, done = d.parent, 1
	}
}

// applyDirMeta sets the metadata of the finished directory d.
func (r *Engine) applyDirMeta(d *dirNode) {
	name := r.dstName(d.path)
	if d.viaLink {
		r.setDirLinkMeta(d, name)
		return
	}
	if err := r.root.SetMeta(name, r.meta(d.s), r.preserveDir()); err != nil {
		r.fail("set attributes", d.path, err)
	}
}

// applyDeferredDirs sets, once every job of the pass is done, the
// metadata of the directories finished during it (-K), in the order they
// finished.
func (r *Engine) applyDeferredDirs() {
	r.dirMu.Lock()
	ds := r.deferredDirs
	r.deferredDirs = nil
	r.dirMu.Unlock()
	for _, d := range ds {
		r.applyDirMeta(d)
	}
}

// touchDir notes that d's contents change, so its times are restored.
func (r *Engine) touchDir(d *dirNode) {
	r.dirMu.Lock()
	d.apply = true
	r.dirMu.Unlock()
}

// addPending counts one more change to come in d (nil: none); a
// dirProgress(d, 1) says it is done.
func (r *Engine) addPending(d *dirNode) {
	if d == nil {
		return
	}
	r.dirMu.Lock()
	d.pending++
	r.dirMu.Unlock()
}
