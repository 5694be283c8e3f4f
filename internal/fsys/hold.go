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

// CreateHeldTemp is CreateTempPerm with the temp file in the partial
// directory holdDir of name's directory (created, mode 0700, when missing)
// instead of beside name, for a file CommitHeld will hold: the
// destination directory sees nothing of it until Unhold. With a temp
// directory (SetTempDir) it is CreateTempPerm.
func (r *Root) CreateHeldTemp(name string, perm uint32, holdDir string) (*Temp, error) {
	if r.tempDir != nil {
		return r.CreateTempPerm(name, perm)
	}
	if err := checkName(name, false); err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	p, err := r.openParent(name)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	pd, err := partialDirOf(p.dir, holdDir)
	if err == nil {
		err = unwrapPath(r.root.MkdirAll(pd, 0o700))
	}
	var hp parent
	if err == nil {
		hp, err = r.openParent(join(pd, p.base))
	}
	if err != nil {
		p.close()
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	err = unix.EEXIST
	for range maxTempTries {
		tmp := tempName(p.base)
		var fd int
		fd, err = unix.Openat(hp.fd, tmp, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, perm&0o777)
		if errors.Is(err, unix.EEXIST) {
			continue
		}
		if err != nil {
			break
		}
		return &Temp{r: r, fd: fd, p: p, name: name, tmp: tmp, hp: hp, inHold: true}, nil
	}
	p.close()
	hp.close()
	return nil, fmt.Errorf("create %s: %w", name, err)
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
