package receiver

import (
	"path"
	"sync"

	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/tree"
)

// Delay hook (--delay-updates). Each file whose data arrives is committed
// complete, metadata and all, to the partial directory of its directory
// (Config.PartialDir, ".~tmp~" unless the user named one) instead of its
// name (fsys.Temp.CommitHeld), and noted. Once every job of the pass is
// done, unholdAll renames the noted files into place one after the other
// (fsys.Root.Unhold), so the destination's files change in one short burst
// at the end; it then removes the partial directories left empty and
// gives their directories their metadata again (the renames changed their
// times). What waits for a file's final name waits with it: its backup
// (made just before the rename), its hard-link followers (-H) and the
// SourceDone of --remove-source-files. A pass that fails, or whose
// connection drops, renames nothing: the held files stay where the next
// run finds them as partial data (receiver_partial.go), and the partial
// directory, which the merge never compares or deletes, is not removed.
// Files written without data from the sender (empty files, basis copies)
// are held too when they go through commitTemp.

// delayed holds the files of a pass waiting for their final rename.
type delayed struct {
	// mu guards the fields that follow.
	mu     sync.Mutex
	files  []*heldFile
	byPath map[string]*heldFile // by transfer path
}

// heldFile is a file committed to its held name.
type heldFile struct {
	s, ex *tree.Entry
	name  string   // destination name
	dir   *dirNode // the directory it is in, if known
	links []follower
}

// commitTemp commits t, the new data of s (destination name name, the
// entry ex there before, in directory dir): to its name, or with
// DelayUpdates to its held name, noting it for unholdAll.
func (r *Engine) commitTemp(t *fsys.Temp, s, ex *tree.Entry, name string, dir *dirNode) error {
	if !r.Cfg.DelayUpdates {
		return t.Commit(r.meta(s), r.preserve())
	}
	if err := t.CommitHeld(r.meta(s), r.preserve(), r.Cfg.PartialDir); err != nil {
		return err
	}
	h := &heldFile{s: s, ex: ex, name: name, dir: dir}
	if dir != nil {
		r.dirMu.Lock()
		dir.held = true // its metadata comes after the renames
		r.dirMu.Unlock()
	}
	r.delay.mu.Lock()
	defer r.delay.mu.Unlock()
	if r.delay.byPath == nil {
		r.delay.byPath = map[string]*heldFile{}
	}
	r.delay.files = append(r.delay.files, h)
	r.delay.byPath[s.Path] = h
	if h := role.TestHooks.Held; h != nil {
		h(s.Path)
	}
	return nil
}

// isHeld reports whether the file at transfer path p waits for unholdAll.
func (r *Engine) isHeld(p string) bool {
	if !r.Cfg.DelayUpdates {
		return false
	}
	r.delay.mu.Lock()
	defer r.delay.mu.Unlock()
	return r.delay.byPath[p] != nil
}

// deferLink keeps the hard link f to the held file at transfer path
// leader for unholdAll, reporting whether it did.
func (r *Engine) deferLink(leader string, f follower) bool {
	if !r.Cfg.DelayUpdates {
		return false
	}
	r.delay.mu.Lock()
	h := r.delay.byPath[leader]
	if h != nil {
		h.links = append(h.links, f)
	}
	r.delay.mu.Unlock()
	if h != nil && f.dir != nil {
		r.dirMu.Lock()
		f.dir.held = true
		r.dirMu.Unlock()
	}
	return h != nil
}

// dropHeld forgets the held files of a pass that failed: they stay in
// their partial directories for the next run.
func (r *Engine) dropHeld() {
	r.delay.mu.Lock()
	r.delay.files, r.delay.byPath = nil, nil
	r.delay.mu.Unlock()
}

// unholdAll renames every held file of the pass into place, in the order
// they were committed, unless the connection is down.
func (r *Engine) unholdAll() {
	r.delay.mu.Lock()
	files := r.delay.files
	r.delay.mu.Unlock()
	defer r.dropHeld()
	if len(files) == 0 {
		return
	}
	select {
	case <-r.ReaderDone:
		return // cut short: leave them for the next run
	default:
	}
	if h := role.TestHooks.Unhold; h != nil {
		h()
	}
	dirs := map[string]bool{}
	nodes := map[*dirNode]bool{}
	for _, h := range files {
		dirs[path.Dir(h.name)] = true
		if h.dir != nil {
			nodes[h.dir] = true
		}
		if h.ex != nil && r.bak != nil && !r.backup(h.s.Path, h.name, true, h.dir) { // backup hook (backup.go): reported
			continue
		}
		if err := r.root.Unhold(h.name, r.Cfg.PartialDir); err != nil {
			r.fail("rename", h.s.Path, err)
			continue
		}
		r.sourceDone(h.s)
		for _, f := range h.links {
			r.link(f.s, f.ex, h.name, f.name)
			if f.dir != nil {
				nodes[f.dir] = true
			}
		}
	}
	for d := range dirs {
		if _, err := r.root.RemoveHoldDir(d, r.Cfg.PartialDir); err != nil {
			r.fail("delete", path.Join(d, r.Cfg.PartialDir), err)
		}
	}
	for d := range nodes {
		r.applyDirMeta(d)
	}
}
