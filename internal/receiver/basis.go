package receiver

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
)

// Basis hook (rsync's --compare-dest, --copy-dest, --link-dest). Before
// the receiver transfers a non-directory, it looks for it, in order, in
// the basis directories: each is opened as a Root of its own and only ever
// read (lstat, open for reading, and the old name of a hard link), so
// nothing is written into it and nothing outside it is reached.
//
//	found unchanged (quick check and attributes)  link it / leave it out / copy it
//	found with the same data, other attributes    copy it, then set the attributes
//	found with other data (a regular file)        transfer it, with it as the delta basis
//	not found                                     transfer it as usual

// basisDir is one open basis directory.
type basisDir struct {
	name string // as given
	root *fsys.Root
}

// lstat describes the entry name of the basis directory (nil and an
// error when missing), its parent directory found in the Root's cache.
func (b *basisDir) lstat(name string) (*tree.Entry, error) {
	if name == "." {
		return tree.LstatEntry(b.root.OSRoot(), ".")
	}
	var e *tree.Entry
	err := b.root.InParent(name, func(dirfd int, base string) error {
		var err error
		e, err = tree.LstatAt(dirfd, base, name)
		return err
	})
	return e, err
}

// Levels of a basis match, as rsync ranks them.
const (
	basisNone   = iota
	basisDelta  // a regular file of other content: a delta basis
	basisData   // the same content, other attributes: copy it locally
	basisUnchgd // unchanged: link, skip or copy it
)

// basisMatch is what the basis directories hold for one entry.
type basisMatch struct {
	level int
	dir   *basisDir
	e     *tree.Entry
}

// ErrBasisMissing is the notice for a basis directory that does not exist.
var ErrBasisMissing = errors.New("arg does not exist")

// openBases opens the basis directories of a destination directory dir:
// relative ones are relative to it. A missing one is noted and left out,
// as rsync does.
func (r *Engine) openBases(dir string) {
	if r.bases != nil || len(r.Cfg.BasisDirs) == 0 {
		return
	}
	r.bases = []basisDir{}
	for _, d := range r.Cfg.BasisDirs {
		p := d
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		root, err := r.OpBase.OpenDest(p)
		if err != nil {
			r.emitNow(role.Event{Kind: role.EventNotice, Path: d, Err: fmt.Errorf("%s %w", basisOption(r.Cfg.BasisKind), ErrBasisMissing)})
			continue
		}
		r.bases = append(r.bases, basisDir{name: d, root: root})
	}
}

func basisOption(kind uint8) string {
	switch kind {
	case wire.BasisCompare:
		return "--compare-dest"
	case wire.BasisCopy:
		return "--copy-dest"
	}
	return "--link-dest"
}

func (r *Engine) closeBases() {
	for _, b := range r.bases {
		b.root.Close()
	}
}

// findBasis looks for the source entry s (destination name name) in the
// basis directories and returns the best match: the first unchanged one,
// else the first with the same data, else the first regular file.
func (r *Engine) findBasis(s *tree.Entry, name string) basisMatch {
	var m basisMatch
	for i := range r.bases {
		b := &r.bases[i]
		e, err := b.lstat(name)
		if err != nil || e.Type != s.Type {
			continue
		}
		if s.Type == tree.TypeFile {
			if m.level < basisDelta {
				m = basisMatch{basisDelta, b, e}
			}
			if same, _ := r.sameData(b.root, s, e, name); !same {
				continue
			}
			if m.level < basisData {
				m = basisMatch{basisData, b, e}
			}
		} else if !sameNode(s, e) { // no time check: rsync's has none for these
			continue
		}
		if r.sameAttrs(s, e) {
			return basisMatch{basisUnchgd, b, e}
		}
	}
	if s.Type != tree.TypeFile {
		return basisMatch{} // a symlink or special file of other attributes is made afresh
	}
	return m
}

// sameNode reports whether two non-regular entries of one type are alike.
func sameNode(s, e *tree.Entry) bool {
	switch s.Type {
	case tree.TypeSymlink:
		return s.LinkTarget == e.LinkTarget
	case tree.TypeChar, tree.TypeBlock:
		return s.Rdev == e.Rdev
	}
	return true
}

// sameAttrs reports whether e has the preserved attributes of s.
func (r *Engine) sameAttrs(s, e *tree.Entry) bool {
	m := r.meta(s)
	switch {
	case r.Cfg.Perms && s.Type != tree.TypeSymlink && s.Mode != e.Mode:
		return false
	case r.Cfg.Times && s.Type == tree.TypeFile && s.MTime != e.MTime: // -c or --size-only passed it
		return false
	case r.Cfg.Owner && role.IsRoot && m.UID != e.UID:
		return false
	case r.Cfg.Group && m.GID != e.GID:
		return false
	}
	return true
}

// basisOrDest is what a new symlink or special file s is itemized
// against: ex, or when there is none the entry of the same type in the
// first basis directory that has one (as rsync does).
func (r *Engine) basisOrDest(s, ex *tree.Entry, name string) *tree.Entry {
	if ex != nil || len(r.bases) == 0 {
		return ex
	}
	for _, b := range r.bases {
		if e, err := b.lstat(name); err == nil && e.Type == s.Type {
			return e
		}
	}
	return nil
}

// basisDirItem itemizes the new directory s against the first basis
// directory holding a directory at name, as rsync does: "" when that one
// has s's attributes (rsync shows it only at -ii). ok is false when no
// basis directory has one.
func (r *Engine) basisDirItem(s *tree.Entry, name string) (it string, ok bool) {
	for _, b := range r.bases {
		e, err := b.lstat(name)
		if err != nil || e.Type != tree.TypeDir {
			continue
		}
		it = r.itemize('c', s, e, false)
		if it[2:] == "........." {
			it = ""
		}
		return it, true
	}
	return "", false
}

// useBasis acts on an unchanged basis entry bm.e for s: links it, copies
// it, or (compare) leaves s out. A link that fails (another filesystem,
// too many links) becomes a copy, as in rsync.
func (r *Engine) useBasis(s, ex *tree.Entry, parent *dirNode, name string, bm basisMatch) {
	if r.Cfg.DryRun || r.Cfg.BasisKind == wire.BasisCompare {
		return
	}
	if ex != nil && !r.backup(s.Path, name, true, parent) {
		return // reported; the entry stays
	}
	if r.Cfg.BasisKind == wire.BasisLink && r.root.LinkFrom(bm.dir.root, name, name) == nil {
		return
	}
	var err error
	switch s.Type {
	case tree.TypeFile:
		err = r.copyBasis(s, ex, name, bm)
	case tree.TypeSymlink:
		err = r.root.Symlink(s.LinkTarget, name)
	default:
		err = r.root.Mknod(name, nodeType(s.Type), s.Mode, s.Rdev)
	}
	if err != nil {
		r.fail("copy", s.Path, err)
		return
	}
	if s.Type != tree.TypeFile {
		r.setMeta(s, name)
	}
}

// nodeFromBasis handles a symlink or special file s found unchanged in a
// basis directory, and reports whether it did.
func (r *Engine) nodeFromBasis(s, ex *tree.Entry, parent *dirNode, name string) bool {
	if len(r.bases) == 0 || (ex != nil && ex.Type == s.Type) {
		return false // an existing one is compared with the source only (rsync)
	}
	bm := r.findBasis(s, name)
	if bm.level != basisUnchgd {
		return false
	}
	r.useBasis(s, ex, parent, name, bm)
	return true
}

// fileFromBasis consults the basis directories for the regular file s,
// as rsync does, and reports whether that settled it. A destination file
// that exists is replaced (link-dest) or deleted (compare-dest) only when
// a basis directory has the file unchanged; otherwise the usual checks
// follow. A missing one is linked, left out or copied when unchanged,
// copied when only its attributes differ, and else transferred with the
// basis directory's file as its delta basis.
func (r *Engine) fileFromBasis(m *merger, s, ex *tree.Entry, parent *dirNode, name string) (bool, error) {
	exists := ex != nil && ex.Type == tree.TypeFile
	if exists && r.Cfg.BasisKind == wire.BasisCopy {
		return false, nil
	}
	bm := r.findBasis(s, name)
	if exists {
		if bm.level != basisUnchgd || (r.Cfg.BasisKind == wire.BasisLink && bm.e.Dev == ex.Dev && bm.e.Ino == ex.Ino) {
			return false, nil
		}
		if r.Cfg.DryRun {
			return true, nil
		}
		// The data stays in the basis directory: no backup (rsync neither).
		if r.Cfg.BasisKind == wire.BasisCompare {
			if err := r.root.Remove(name); err != nil {
				r.fail("delete", s.Path, err)
			}
			return true, nil
		}
		if r.root.LinkFrom(bm.dir.root, name, name) != nil {
			if err := r.copyBasis(s, ex, name, bm); err != nil {
				r.fail("copy", s.Path, err)
			}
		}
		return true, nil
	}
	switch bm.level {
	case basisUnchgd:
		r.useBasis(s, ex, parent, name, bm)
		return true, nil
	case basisData:
		it := r.itemize('c', s, bm.e, false)
		if !r.Cfg.DryRun {
			if ex != nil && !r.backup(s.Path, name, true, parent) {
				return true, nil
			}
			if err := r.copyBasis(s, ex, name, bm); err != nil {
				r.fail("copy", s.Path, err)
				return true, nil
			}
		}
		r.created(s, ex, it)
		return true, nil
	case basisDelta:
		return true, r.startFile(m, s, ex, parent, name, r.itemize('>', s, bm.e, false), bm.dir)
	}
	return false, nil
}

// copyBasis writes s as a local copy of the basis file bm.e, with s's
// attributes.
func (r *Engine) copyBasis(s, ex *tree.Entry, name string, bm basisMatch) error {
	f, err := bm.dir.root.OpenRead(name)
	if err != nil {
		return err
	}
	defer f.Close()
	t, err := r.createFile(name, s.Mode, ex, s.Size)
	if err != nil {
		return err
	}
	n, err := t.CopyFrom(int(f.Fd()), s.Size)
	if err == nil && n != s.Size {
		err = fmt.Errorf("%s in %s changed while copied", name, bm.dir.name)
	}
	if err != nil {
		t.Abort()
		return err
	}
	return t.Commit(r.meta(s), r.preserve())
}
