package fsys

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// PartialPath returns the root-relative name under which KeepPartial keeps
// the data of name: <dir of name>/<partialDir>/<base of name>, partialDir
// being DefaultPartialDir when empty. partialDir is relative to the file's
// directory and may not leave the root; an unsafe one gives "".
func (r *Root) PartialPath(name, partialDir string) string {
	if checkName(name, false) != nil {
		return ""
	}
	dir, base := split(name)
	pd, err := partialDirOf(dir, partialDir)
	if err != nil {
		return ""
	}
	return join(pd, base)
}

// KeepPartial moves the temp file's data, as written so far, to
// PartialPath(name, partialDir) (creating the partial directory, mode 0700,
// if needed), where OpenPartial finds it on the next run. No metadata is
// applied. For --inplace it only closes the file. After KeepPartial the Temp
// is finished.
func (t *Temp) KeepPartial(partialDir string) error {
	if t.done {
		return fmt.Errorf("keep partial %s: %w", t.name, ErrTempDone)
	}
	t.done = true
	defer t.release()
	if err := t.endSparse(); err != nil {
		t.close()
		return fmt.Errorf("keep partial %s: %w", t.name, err)
	}
	if t.anon {
		err := t.movePartial(partialDir)
		if cerr := t.close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("keep partial %s: %w", t.name, err)
		}
		return nil
	}
	err := t.close()
	if t.inplace {
		if err != nil {
			return fmt.Errorf("keep partial %s: %w", t.name, err)
		}
		return nil
	}
	if err == nil {
		err = t.movePartial(partialDir)
	}
	if err != nil {
		unix.Unlinkat(t.tmpfd(), t.tmp, 0)
		return fmt.Errorf("keep partial %s: %w", t.name, err)
	}
	return nil
}

// movePartial renames the closed temp file into the partial directory.
func (t *Temp) movePartial(partialDir string) error {
	pd, err := partialDirOf(t.p.dir, partialDir)
	if err != nil {
		return err
	}
	// Twice: another file's commit may remove the partial directory,
	// found empty, between the mkdir and the move.
	for range 2 {
		if err = t.r.root.MkdirAll(pd, 0o700); err != nil {
			return unwrapPath(err)
		}
		err = t.moveInto(join(pd, t.p.base))
		if !errors.Is(err, unix.ENOENT) {
			return err
		}
		t.r.dirs.clear()
	}
	return err
}

// moveInto gives the temp file the root-relative name pn.
func (t *Temp) moveInto(pn string) error {
	pp, err := t.r.openParent(pn)
	if err != nil {
		return err
	}
	defer pp.close()
	if t.anon {
		return t.link(pp.fd, pp.base)
	}
	return t.place(pp.fd, pp.base, nil)
}

// OpenPartial opens the partial data kept for name, if any, returning the
// file and its size. When there is none it returns (nil, 0, nil). A partial
// entry that is not a regular file gives ErrNotRegular.
func (r *Root) OpenPartial(name, partialDir string) (*os.File, int64, error) {
	pn := r.PartialPath(name, partialDir)
	if pn == "" {
		return nil, 0, fmt.Errorf("open partial %s: %w", name, ErrUnsafePath)
	}
	f, err := r.openRegular(pn, os.O_RDONLY)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("open partial %s: %w", pn, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("open partial %s: %w", pn, err)
	}
	return f, fi.Size(), nil
}

// RemovePartial removes the partial data kept for name, if any, and then
// the partial directory if it became empty. A missing partial is not an
// error.
func (r *Root) RemovePartial(name, partialDir string) error {
	pn := r.PartialPath(name, partialDir)
	if pn == "" {
		return fmt.Errorf("remove partial %s: %w", name, ErrUnsafePath)
	}
	if err := r.root.Remove(pn); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove partial %s: %w", pn, unwrapPath(err))
	}
	pd, _ := split(pn)
	r.dirs.clear()
	r.root.Remove(pd) // only succeeds when empty; failure is fine
	return nil
}
