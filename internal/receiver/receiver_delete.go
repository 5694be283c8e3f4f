package receiver

import (
	"errors"
	"io/fs"
	"path"
	"syscall"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/tree"
)

// Deletion of extraneous destination entries (--delete). The merge deletes
// a file as soon as the destination walk shows it; a directory only once
// the walk has shown (and deleted) its contents, when flushDeletes removes
// it. Until then the directory it is in counts the removal as a change
// still to come (dirNode.pending), so that its times are not applied
// before the rmdir: the merge may pass that directory first.

// delDir is an extraneous directory being emptied.
type delDir struct {
	path  string
	owner *dirNode // the source directory it is in; nil inside another delDir or outside the stack
	gone  int      // entries directly inside that went (or, in a dry run, would go)
	kept  bool     // an entry directly inside stays
	noted bool     // noted for deleteLater: nothing to do here
}

// deleteEntry deletes (or, in a dry run, reports) an extraneous
// destination entry. A directory is emptied first: its contents follow in
// the walk, and it is removed when the walk leaves it.
func (r *Engine) deleteEntry(m *merger, d *tree.Entry) {
	if r.order != nil {
		r.order.waitRoom()
	}
	if r.deferDeletes() { // --delete-after, --delete-delay, --max-delete (receiver_delete_later.go)
		m.noteDelete(d)
		return
	}
	owner := m.dirOf(d.Path)
	if owner != nil && !r.Cfg.DryRun {
		r.touchDir(owner)
	}
	if d.Type == tree.TypeDir {
		// Removed, and reported, once emptied (flushDeletes): after its
		// contents, as rsync reports them.
		r.addPending(owner)
		m.dels = append(m.dels, &delDir{path: d.Path, owner: owner})
		return
	}
	if !r.Cfg.DryRun && r.bak != nil { // backup hook (backup.go)
		if !r.backup(d.Path, d.Path, false, owner) {
			m.deletedIn(d.Path, false)
			return
		}
	} else if !r.Cfg.DryRun {
		if err := r.root.Remove(d.Path); errors.Is(err, fs.ErrNotExist) {
			// Already gone (with -K, deleted under another name: through
			// a symlink to its directory): nothing to do or report.
			m.deletedIn(d.Path, true)
			return
		} else if err != nil {
			r.fail("delete", d.Path, err)
			m.deletedIn(d.Path, false)
			return
		}
	}
	m.deletedIn(d.Path, true)
	r.count(func(st *role.Stats) { st.Deleted++ })
	r.report(role.Event{Kind: role.EventDeleted, Path: d.Path, Itemize: ItemDeleting})
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
// it. Each removal is then done in its owner's pending count.
func (m *merger) flushDeletes(p string) {
	r := m.r
	for n := len(m.dels); n > 0 && (p == "" || !tree.Contains(m.dels[n-1].path, p)); n = len(m.dels) {
		d := m.dels[n-1]
		m.dels = m.dels[:n-1]
		if d.noted { // deleted later, with its contents (noteDelete)
			continue
		}
		var err error
		if r.Cfg.DryRun {
			if d.kept || r.entriesIn(d.path) != d.gone {
				err = syscall.ENOTEMPTY
			}
		} else {
			err = r.root.Remove(d.path)
		}
		if errors.Is(err, fs.ErrNotExist) { // already gone (see deleteEntry)
			m.deletedIn(d.path, true)
			r.dirProgress(d.owner, 1)
			continue
		}
		switch {
		case err != nil && notEmpty(err): // correctness hook (receiver_conflict.go)
			r.report(role.Event{Kind: role.EventNotice, Path: d.path, Err: role.ErrDirNotEmpty})
		case err != nil:
			r.fail("delete", d.path, err)
		}
		m.deletedIn(d.path, err == nil)
		if err == nil {
			r.count(func(st *role.Stats) { st.Deleted++ })
			r.report(role.Event{Kind: role.EventDeleted, Path: d.path + "/", Itemize: ItemDeleting})
		}
		r.dirProgress(d.owner, 1)
	}
}

// entriesIn counts the entries of the destination directory p (-1 when
// it cannot be read).
func (r *Engine) entriesIn(p string) int {
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
