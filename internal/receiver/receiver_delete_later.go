package receiver

import (
	"path"
	"slices"
	"strings"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/tree"
)

// Deletion timing and limits (--delete-after, --delete-delay,
// --max-delete). By default the merge deletes an extraneous entry as soon
// as its walk meets it (rsync's --delete-during). With DeleteAfter or
// DeleteDelay, or with a MaxDelete limit, it only notes the entry
// (pendingDelete), and the pass deletes the noted entries once every file
// is written (deleteLater), in rsync's order: the source directories they
// are extraneous in, in list order, and inside each, the reverse of
// rsync's list order (rsyncOrder), which puts a directory's contents
// before the directory. So a limit stops on the same entries as rsync's. Memory grows with the number of extraneous
// entries, as rsync's --delete-delay list does.
// The source directories holding such entries get their metadata after
// the deletions (dirNode.held).
//
// A delete-only pass (PassBegin.DeleteOnly, --delete-before) runs the
// merge for its deletions alone, before the pass that transfers.

// pendingDelete is an extraneous entry noted for deletion at the end of
// the pass.
type pendingDelete struct {
	path  string
	dir   bool
	group string   // the source directory it is extraneous in
	in    *dirNode // the source directory it is directly in, if any: its times are restored after
}

// deferDeletes reports whether deletions wait for the end of the pass.
func (r *Engine) deferDeletes() bool {
	return r.Cfg.DeleteAfter || r.Cfg.DeleteDelay || r.Cfg.MaxDelete != 0
}

// noteDelete notes the extraneous entry d for deleteLater.
func (m *merger) noteDelete(d *tree.Entry) {
	r := m.r
	group := path.Dir(d.Path)
	if len(m.dels) > 0 {
		group = path.Dir(m.dels[0].path)
	}
	in := m.dirOf(d.Path)
	if in != nil {
		r.dirMu.Lock()
		in.held = true
		r.dirMu.Unlock()
	}
	r.later = append(r.later, pendingDelete{path: d.Path, dir: d.Type == tree.TypeDir, group: group, in: in})
	if d.Type == tree.TypeDir {
		// Its contents follow in the walk and are extraneous too.
		m.dels = append(m.dels, &delDir{path: d.Path, noted: true})
	}
}

// rsyncOrder compares paths a and b (dir: whether each is a directory) in
// the order of rsync's file lists: component by component, and among the
// entries of one directory, files before directories, each by name.
func rsyncOrder(a string, aDir bool, b string, bDir bool) int {
	for {
		ca, ra, aLast := cut(a)
		cb, rb, bLast := cut(b)
		if ca != cb {
			da, db := !aLast || aDir, !bLast || bDir
			if da != db {
				if da {
					return 1
				}
				return -1
			}
			return strings.Compare(ca, cb)
		}
		switch {
		case aLast && bLast:
			return 0
		case aLast:
			return -1 // a directory before its contents
		case bLast:
			return 1
		}
		a, b = ra, rb
	}
}

// cut splits the first component off p, reporting whether it was the last.
func cut(p string) (first, rest string, last bool) {
	first, rest, found := strings.Cut(p, "/")
	return first, rest, !found
}

// mayDelete reports whether one more deletion is within MaxDelete, and
// counts a skipped one when it is not.
func (r *Engine) mayDelete() bool {
	if limit := r.Cfg.MaxDelete; limit == 0 || (limit > 0 && r.deleted < limit) {
		return true
	}
	r.count(func(st *role.Stats) { st.DeletesSkipped++ })
	return false
}

// deleteLater deletes the entries noted during the pass.
func (r *Engine) deleteLater() {
	later := r.later
	r.later = nil
	slices.SortFunc(later, func(a, b pendingDelete) int {
		if c := tree.Compare(a.group, b.group); c != 0 {
			return c
		}
		return rsyncOrder(b.path, b.dir, a.path, a.dir)
	})
	gone := map[string]int{} // entries of a directory that went (for a dry run)
	held := map[*dirNode]bool{}
	for _, d := range later {
		if d.in != nil {
			held[d.in] = true
		}
		if d.dir && r.entriesIn(d.path) != gone[d.path] {
			r.report(role.Event{Kind: role.EventNotice, Path: d.path, Err: role.ErrDirNotEmpty})
			if path.Dir(d.path) != d.group {
				// Inside an extraneous directory, rsync counts it as
				// skipped all the same.
				r.mayDelete()
			}
			continue
		}
		if !r.mayDelete() {
			continue
		}
		if !r.Cfg.DryRun && !d.dir && r.bak != nil { // backup hook (backup.go)
			if !r.backup(d.path, d.path, false, d.in) {
				continue
			}
		} else if !r.Cfg.DryRun {
			if err := r.root.Remove(d.path); err != nil {
				if d.dir && notEmpty(err) {
					r.report(role.Event{Kind: role.EventNotice, Path: d.path, Err: role.ErrDirNotEmpty})
				} else {
					r.fail("delete", d.path, err)
				}
				continue
			}
		}
		if r.Cfg.DryRun {
			gone[path.Dir(d.path)]++
		}
		r.deleted++
		r.count(func(st *role.Stats) { st.Deleted++ })
		shown := d.path
		if d.dir {
			shown += "/"
		}
		r.report(role.Event{Kind: role.EventDeleted, Path: shown, Itemize: ItemDeleting})
	}
	if r.Cfg.DryRun {
		return
	}
	// The directories they were in get their metadata now: deleting
	// changed their times, and their mode may forbid deleting.
	for d := range held {
		if err := r.root.SetMeta(r.dstName(d.path), r.meta(d.s), r.preserveDir()); err != nil {
			r.fail("set attributes", d.path, err)
		}
	}
}
