package session

import (
	"path"

	"github.com/ferrysync/ferry/internal/tree"
)

// dirNode is a source directory whose metadata is applied once the stream
// has left it and every file written inside it is finished, so that the
// writes do not disturb its times.
type dirNode struct {
	path   string
	s      *tree.Entry
	full   bool     // its extraneous destination entries may be deleted
	parent *dirNode // nil at the top
	apply  bool     // metadata to apply at the end

	// guarded by receiver.dirMu
	pending int  // unfinished files and subdirectories inside
	left    bool // the stream has moved past it
}

// parentNode returns the node of p's parent directory, if it is on the
// stack.
func (m *merger) parentNode(p string) *dirNode {
	if n := len(m.dirs); n > 0 && m.dirs[n-1].path == path.Dir(p) && p != "." {
		return m.dirs[n-1]
	}
	return nil
}

// top is the innermost source directory of the stream, or nil.
func (m *merger) top() *dirNode {
	if n := len(m.dirs); n > 0 {
		return m.dirs[n-1]
	}
	return nil
}

// pushDir puts a directory on the stack.
func (m *merger) pushDir(s *tree.Entry, parent *dirNode, apply bool) {
	n := &dirNode{path: s.Path, s: s, full: m.full(s.Path) && !m.protected(s.Path), parent: parent, apply: apply}
	if parent != nil {
		m.r.dirMu.Lock()
		parent.pending++
		m.r.dirMu.Unlock()
	}
	m.dirs = append(m.dirs, n)
}

// leaveDirs marks the directories that p is not inside as left ("" for
// all).
func (m *merger) leaveDirs(p string) {
	for n := len(m.dirs); n > 0 && (p == "" || !tree.Contains(m.dirs[n-1].path, p)); n = len(m.dirs) {
		d := m.dirs[n-1]
		m.dirs = m.dirs[:n-1]
		m.r.dirMu.Lock()
		d.left = true
		m.r.dirMu.Unlock()
		m.r.dirProgress(d, 0)
	}
}

// dirProgress subtracts done from d's pending count and finishes d (and,
// in turn, its parents) when nothing is pending any more.
func (r *receiver) dirProgress(d *dirNode, done int) {
	for d != nil {
		r.dirMu.Lock()
		d.pending -= done
		finished := d.left && d.pending == 0
		apply := d.apply
		if finished {
			d.pending = -1 // never again
		}
		r.dirMu.Unlock()
		if !finished {
			return
		}
		if apply && !r.cfg.DryRun {
			name := r.dstName(d.path)
			if err := r.root.SetMeta(name, r.meta(d.s), r.preserveDir()); err != nil {
				r.fail("set attributes", d.path, err)
			}
		}
		d, done = d.parent, 1
	}
}

// touchDir notes that d's contents change, so its times are restored.
func (r *receiver) touchDir(d *dirNode) {
	r.dirMu.Lock()
	d.apply = true
	r.dirMu.Unlock()
}

// addPending counts one more unfinished file in d.
func (r *receiver) addPending(d *dirNode) {
	if d == nil {
		return
	}
	r.dirMu.Lock()
	d.pending++
	r.dirMu.Unlock()
}
