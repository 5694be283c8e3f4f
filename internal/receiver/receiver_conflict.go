package receiver

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"syscall"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/tree"
)

// ErrInTheWay reports a non-empty destination directory standing where
// the source has a file, symlink or special file. Without --delete it is
// never removed (rsync: "could not make way for new regular file").
var ErrInTheWay = errors.New("ferry: could not make way for new entry: non-empty directory in the way")

// kindName names an entry type as rsync's "could not make way" message does.
func kindName(t tree.Type) string {
	switch t {
	case tree.TypeFile:
		return "regular file"
	case tree.TypeSymlink:
		return "symlink"
	case tree.TypeChar, tree.TypeBlock:
		return "device"
	}
	return "special file"
}

// makeRoom removes the destination directory name that stands where the
// non-directory s goes, and reports whether s may be created. As rsync
// does, an empty directory always goes; a non-empty one only with
// --delete or --force, its contents being extraneous (entries the filters
// protect stay, and then so does the directory, as do entries beyond
// --max-delete); otherwise s fails with ErrInTheWay and the directory is
// left as it is. A dry run only reports.
func (r *Engine) makeRoom(s *tree.Entry, name string) bool {
	if r.Cfg.Delete || r.Cfg.Force {
		r.deleteContents(s.Path, name)
	}
	if r.Cfg.DryRun {
		return true
	}
	err := r.root.Remove(name)
	if err == nil {
		return true
	}
	if notEmpty(err) {
		err = fmt.Errorf("could not make way for new %s %s: %w", kindName(s.Type), s.Path, ErrInTheWay)
	}
	r.fail("replace", s.Path, err)
	return false
}

// deleteContents deletes what directory name (transfer path p) holds,
// deepest first, except the entries the destination filter protects. A
// sub-directory that keeps protected entries stays, silently, as rsync
// only notes "cannot delete non-empty directory".
func (r *Engine) deleteContents(p, name string) {
	o := tree.WalkOptions{
		Start: name, Prefix: p, Recursive: true, OneFileSystem: r.Cfg.OneFileSystem,
		OnError: r.destError,
	}
	if r.destFilter.HasDirMerge() {
		// The per-directory files below name protect entries too.
		o.Filter, o.MergeFrom = r.destFilter, "."
	}
	w := tree.NewWalker(r.root.OSRoot(), o)
	defer w.Close()
	type del struct {
		path, name string
		dir        bool
	}
	var dels []del
	for {
		e, err := w.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				r.fail("delete", p, err)
			}
			break
		}
		if e.Path == p {
			continue
		}
		dir := e.Type == tree.TypeDir
		if r.destFilter.Match(e.Path, dir) || r.protectedBackup(e.Path) {
			if dir {
				w.SkipDir()
			}
			continue
		}
		dels = append(dels, del{path: e.Path, name: name + e.Path[len(p):], dir: dir})
	}
	for _, d := range slices.Backward(dels) {
		if r.Cfg.MaxDelete != 0 && !r.mayDelete() {
			continue
		}
		if !r.Cfg.DryRun && !d.dir && r.bak != nil { // backup hook (backup.go)
			if !r.backup(d.path, d.name, false, nil) {
				continue
			}
		} else if !r.Cfg.DryRun {
			if err := r.root.Remove(d.name); err != nil {
				if !d.dir || !notEmpty(err) {
					r.fail("delete", d.path, err)
				}
				continue
			}
		}
		r.deleted++
		r.count(func(st *role.Stats) { st.Deleted++ })
		shown := d.path
		if d.dir {
			shown += "/"
		}
		r.report(role.Event{Kind: role.EventDeleted, Path: shown, Itemize: ItemDeleting})
	}
}

// hiddenDest looks up the destination entry at s's path that the
// destination walk did not show because the filters exclude it as the
// other kind (a file where s is a directory, or the reverse). Such an
// entry is in the way all the same: rsync replaces it as it would an
// included one.
func (m *merger) hiddenDest(s *tree.Entry) *tree.Entry {
	f := m.r.destFilter
	if f == nil || m.r.root == nil || !f.Match(s.Path, s.Type != tree.TypeDir) {
		return nil
	}
	return m.r.lstat(m.r.dstName(s.Path))
}

// notEmpty reports whether err is rmdir's "directory not empty". When the
// filters protect entries inside an extraneous directory, that is expected:
// rsync only notes "cannot delete non-empty directory" and counts no error.
func notEmpty(err error) bool {
	return errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST)
}

// linkTargetOf is the Event.LinkTarget of s itemized as it: a symlink's
// target, or a hard link's leader.
func linkTargetOf(s *tree.Entry, it string) string {
	switch {
	case s.Type == tree.TypeSymlink:
		return s.LinkTarget
	case len(it) > 0 && it[0] == 'h':
		return s.HardLink
	}
	return ""
}
