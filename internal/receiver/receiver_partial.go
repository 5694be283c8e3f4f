package receiver

import (
	"os"
	"path"
	"strings"

	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/tree"
)

// Partial data. A file cut short keeps what was received in the partial
// directory of its own directory (fsys.Temp.KeepPartial). The next pass
// takes it up for that file, whatever the transfer mode: as the delta
// basis, or, for a file handed off whole (a local copy), as the kept
// prefix of the new file (receiver_resume.go); the commit removes it. When the
// merge leaves a directory it removes the partial data nobody took up
// (the file is gone from the source, up to date, or no longer a regular
// file), then the partial directory when empty, before the directory's
// times are applied. A partial directory is never compared with the
// source nor reported as extraneous; inside an extraneous directory that
// --delete removes it goes too, silently.

// mayHavePartial reports whether the file p, in directory d (nil for a
// single-file transfer), may have partial data, which saves most files
// the failed open of looking: a directory new in this pass has none; and
// the destination walk lists a directory in order, so once it is past
// where the partial directory would be without having seen one
// (sawPartialDir), there is none.
func (m *merger) mayHavePartial(d *dirNode, p string) bool {
	r := m.r
	pd := r.Cfg.PartialDir
	switch {
	case pd == "" || r.Cfg.Inplace:
		return false
	case d == nil:
		return true
	case !d.existed:
		return false
	case m.partialDirs[d.path]:
		return true
	}
	walked := m.paths == nil && !m.destCut && !r.Cfg.OneFileSystem && !strings.Contains(pd, "/") && r.fileMode == ""
	return !walked || tree.Compare(childPath(d.path, pd), p) > 0
}

// findPartial opens the partial data an interrupted earlier run kept for
// the job's file, with its size, and marks it taken; nil when there is none
// (or no partial directory is configured). It runs on the merge goroutine,
// where startFile said whether to look (mayHavePartial).
func (j *job) findPartial() (*os.File, int64) {
	if !j.lookPartial {
		return nil, 0
	}
	f, n := j.r.openPartial(j.name)
	if f != nil && j.dir != nil {
		if j.dir.claimed == nil {
			j.dir.claimed = map[string]bool{}
		}
		j.dir.claimed[path.Base(j.name)] = true
	}
	if f != nil {
		j.hadPartial = true
	}
	return f, n
}

// openPartial opens the partial data kept for the destination name, with
// its size; nil when there is none (or no partial directory is
// configured). An empty one is removed.
func (r *Engine) openPartial(name string) (*os.File, int64) {
	if r.Cfg.PartialDir == "" {
		return nil, 0
	}
	f, n, err := r.root.OpenPartial(name, r.Cfg.PartialDir)
	if err != nil || f == nil {
		return nil, 0
	}
	if n == 0 {
		f.Close()
		r.root.RemovePartial(name, r.Cfg.PartialDir)
		return nil, 0
	}
	return f, n
}

// ownPartialDir reports whether pd is one of the partial directories
// ferry names itself (.ferry-partial, or .~tmp~ for --delay-updates), whose
// files are all partial data: only those are cleaned of data nobody took
// up.
func ownPartialDir(pd string) bool {
	return pd == fsys.DefaultPartialDir || pd == ".~tmp~"
}

// isPartialDir reports whether the destination entry at p is a partial
// directory, which the merge neither compares nor deletes.
func (r *Engine) isPartialDir(p string) bool {
	pd := r.Cfg.PartialDir
	if pd == "" || strings.Contains(pd, "/") {
		return false
	}
	return p == pd || strings.HasSuffix(p, "/"+pd)
}

// sawPartialDir handles the partial directory e of the destination walk,
// which the walk then skips: inside an extraneous directory being deleted
// it is removed with it; elsewhere the merge cleans it when it leaves its
// directory (cleanPartials).
func (m *merger) sawPartialDir(e *tree.Entry) {
	r := m.r
	m.flushDeletes(e.Path) // what is done before it; the walk is past them
	if n := len(m.dels); n > 0 && tree.Contains(m.dels[n-1].path, e.Path) {
		var err error
		if !r.Cfg.DryRun {
			err = r.root.RemoveAll(e.Path)
		}
		if err != nil {
			r.fail("delete", e.Path, err)
		}
		m.deletedIn(e.Path, err == nil)
		return
	}
	if m.partialDirs == nil {
		m.partialDirs = map[string]bool{}
	}
	m.partialDirs[path.Dir(e.Path)] = true
}

// cleanPartials removes, as the merge leaves directory d, the partial data
// in it that no file of this pass took up, then the partial directory if
// empty. Only for a directory sent whole (a directory only partly in the
// pass, or one the sender could not read, says nothing of the names it did
// not send), and never the data of a name the filters exclude (that file
// is not part of this transfer) or the sender could not read.
func (m *merger) cleanPartials(d *dirNode) {
	r := m.r
	if !m.partialDirs[d.path] {
		return
	}
	delete(m.partialDirs, d.path)
	if r.Cfg.DryRun || r.Cfg.WriteOnly || !d.full || m.protected(d.path) || r.root == nil { // write-only hook: others' data, never taken up, never removed
		return
	}
	if !ownPartialDir(r.Cfg.PartialDir) {
		// A directory the user named may hold files of their own (it
		// may even be a directory of the tree): as rsync, ferry then
		// removes only the partial data it takes up (RemovePartial),
		// and the directory once that leaves it empty.
		return
	}
	keep := func(name string) bool {
		p := childPath(d.path, name)
		return d.claimed[name] || r.isHeld(p) || (r.Cfg.DelayUpdates && fsys.IsTempName(name)) || m.protected(p) || (r.destFilter != nil && r.destFilter.Match(p, false))
	}
	removed, err := r.root.CleanPartials(r.dstName(d.path), r.Cfg.PartialDir, keep)
	if err != nil {
		r.fail("delete", childPath(d.path, r.Cfg.PartialDir), err)
	}
	if removed {
		r.touchDir(d)
	}
}

// childPath joins a transfer directory (possibly ".") and a name.
func childPath(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}
