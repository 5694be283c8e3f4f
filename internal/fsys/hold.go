package fsys

import (
	"errors"
	"fmt"
	"io/fs"

	"golang.org/x/sys/unix"
)

// Held files (rsync's --delay-updates). CommitHeld finishes a Temp like
// Commit, metadata and all, but names it PartialPath(name, holdDir), in the
// partial directory of its directory, instead of name; Unhold later renames
// it over name, one rename per file, and RemoveHoldDir removes a partial
// directory left empty. Until Unhold the destination name is untouched; a
// run that never gets there leaves the complete file where OpenPartial
// finds it.

// CommitHeld is Commit with the file going to PartialPath(name, holdDir)
// (the partial directory is created, mode 0700, when missing), replacing
// what is there. It is not for --inplace.
func (t *Temp) CommitHeld(m Meta, p Preserve, holdDir string) error {
	if t.inplace || holdDir == "" {
		t.Abort()
		return fmt.Errorf("commit %s: %w", t.name, errors.New("no place to hold the file"))
	}
	return t.commit(m, p, holdDir)
}

// hold gives the complete temp file its held name; mode, m and p are what
// Commit applied, for a copy across filesystems.
func (t *Temp) hold(holdDir string, mode uint32, m Meta, p Preserve) error {
	pd, err := partialDirOf(t.p.dir, holdDir)
	if err != nil {
		return err
	}
	// Twice: the cleanup of another directory's partial data may remove
	// the partial directory, found empty, between the mkdir and the move.
	for range 2 {
		if err = t.r.root.MkdirAll(pd, 0o700); err != nil {
			return unwrapPath(err)
		}
		var pp parent
		if pp, err = t.r.openParent(join(pd, t.p.base)); err == nil {
			if t.anon {
				err = t.link(pp.fd, pp.base)
			} else {
				err = t.place(pp.fd, pp.base, t.reapply(mode, m, p))
			}
			pp.close()
		}
		if !errors.Is(err, unix.ENOENT) {
			return err
		}
		t.r.dirs.clear()
	}
	return err
}

// Unhold renames the file CommitHeld held for name over name. It fails
// with an error matching fs.ErrNotExist when nothing is held.
func (r *Root) Unhold(name, holdDir string) error {
	pn := r.PartialPath(name, holdDir)
	if pn == "" {
		return fmt.Errorf("rename %s: %w", name, ErrUnsafePath)
	}
	pp, err := r.openParent(pn)
	if err != nil {
		return fmt.Errorf("rename %s: %w", pn, err)
	}
	defer pp.close()
	p, err := r.openParent(name)
	if err != nil {
		return fmt.Errorf("rename %s: %w", name, err)
	}
	defer p.close()
	if err := unix.Renameat(pp.fd, pp.base, p.fd, p.base); err != nil {
		return fmt.Errorf("rename %s to %s: %w", pn, name, err)
	}
	return nil
}

// RemoveHoldDir removes the partial directory holdDir of directory dir
// (root relative, "." for the top) if it is empty, reporting whether it
// did. A missing or non-empty one is not an error.
func (r *Root) RemoveHoldDir(dir, holdDir string) (bool, error) {
	pd, err := partialDirOf(dir, holdDir)
	if err != nil {
		return false, err
	}
	r.dirs.clear()
	err = r.root.Remove(pd)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist), notEmptyErr(err):
		return false, nil
	}
	return false, fmt.Errorf("remove %s: %w", pd, unwrapPath(err))
}

// notEmptyErr reports whether err says a directory is not empty.
func notEmptyErr(err error) bool {
	return errors.Is(err, unix.ENOTEMPTY) || errors.Is(err, unix.EEXIST)
}
