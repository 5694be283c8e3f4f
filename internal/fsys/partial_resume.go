package fsys

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// ResumePartial turns the partial data kept for name into the Temp that
// will become name, so that a resumed transfer writes only what is
// missing: the partial file moves to a temp name in name's directory,
// keeps its first keep bytes, and writes go on at offset keep (Write,
// CopyFrom). The partial directory goes too if that left it empty. The
// Temp is finished as any other: Commit, Abort, or KeepPartial to put the
// data back.
func (r *Root) ResumePartial(name, partialDir string, keep int64) (*Temp, error) {
	pn := r.PartialPath(name, partialDir)
	if pn == "" || keep < 0 {
		return nil, fmt.Errorf("resume %s: %w", name, ErrUnsafePath)
	}
	pp, err := r.openParent(pn)
	if err != nil {
		return nil, fmt.Errorf("resume %s: %w", pn, err)
	}
	defer pp.close()
	f, _, err := r.openRegularIn(pp, pn, os.O_RDWR)
	if err != nil {
		return nil, fmt.Errorf("resume %s: %w", pn, err)
	}
	p, err := r.openParent(name)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("resume %s: %w", name, err)
	}
	t := &Temp{r: r, fd: int(f.Fd()), f: f, p: p, name: name, tmp: tempName(p.base)}
	if err := t.adopt(pp, keep); err != nil {
		t.close()
		p.close()
		return nil, fmt.Errorf("resume %s: %w", pn, err)
	}
	lockTemp(t.fd) // a live writer's (stale.go)
	r.dirs.clear()
	pd, _ := split(pn)
	r.root.Remove(pd) // only succeeds when empty; failure is fine
	return t, nil
}

// adopt renames the open partial file (base pp.base in pp) to the Temp's
// name, checks that the name now holds the file opened (nobody swapped it
// meanwhile), and cuts it to keep bytes, positioned at keep.
func (t *Temp) adopt(pp parent, keep int64) error {
	if err := unix.Renameat(pp.fd, pp.base, t.p.fd, t.tmp); err != nil {
		return err
	}
	var a, b unix.Stat_t
	err := unix.Fstat(t.fd, &a)
	if err == nil {
		err = unix.Fstatat(t.p.fd, t.tmp, &b, unix.AT_SYMLINK_NOFOLLOW)
	}
	if err == nil && (a.Dev != b.Dev || a.Ino != b.Ino) {
		err = fmt.Errorf("partial file replaced while opened: %w", ErrNotRegular)
	}
	if err == nil {
		err = unix.Ftruncate(t.fd, min(keep, a.Size))
	}
	if err == nil {
		_, err = unix.Seek(t.fd, min(keep, a.Size), 0)
	}
	if err != nil {
		unix.Renameat(t.p.fd, t.tmp, pp.fd, pp.base) // put it back
	}
	return err
}

// CleanPartials removes the partial data kept in directory dir (root
// relative, "." for the top) for every name that keep rejects, then the
// partial directory itself if that left it empty. Only regular files
// (partial data, or a temp file a killed run left there) are removed. It
// reports whether anything was removed, so the caller restores dir's
// times; a missing partial directory is not an error.
func (r *Root) CleanPartials(dir, partialDir string, keep func(name string) bool) (bool, error) {
	if dir != "." {
		if err := checkName(dir, false); err != nil {
			return false, fmt.Errorf("clean partials of %s: %w", dir, err)
		}
	}
	pd, err := partialDirOf(dir, partialDir)
	if err != nil {
		return false, fmt.Errorf("clean partials of %s: %w", dir, err)
	}
	ents, err := fs.ReadDir(r.root.FS(), pd)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("clean partials %s: %w", pd, unwrapPath(err))
	}
	removed := false
	var first error
	for _, e := range ents {
		if !e.Type().IsRegular() || keep(e.Name()) {
			continue
		}
		if err := r.root.Remove(join(pd, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			if first == nil {
				first = fmt.Errorf("clean partials %s: %w", pd, unwrapPath(err))
			}
			continue
		}
		removed = true
	}
	r.dirs.clear()
	if r.root.Remove(pd) == nil {
		removed = true
	}
	return removed, first
}
