package swarm

import (
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// --delete: once every file was fetched and verified (no file error, no
// fatal error), entries of the destination the manifest does not list are
// removed, below the directory the fetch fills. A fetch that left anything
// unfetched deletes nothing. The client keeps the destination paths of the
// manifest's entries for this (the manifest itself stays on disk).

// keepPath records a destination path the manifest lists (plan's
// goroutine).
func (a *assembler) keepPath(p string) {
	if a.keep != nil {
		a.keep[p] = true
	}
}

// deleteExtraneous removes what the manifest does not list, depth first,
// under the directory the fetch fills; onDelete is told each path.
func (a *assembler) deleteExtraneous(onDelete func(string)) error {
	top := "."
	if a.sub.prefix != "" {
		top = a.sub.keep
	}
	if !a.keep[top] {
		return nil
	}
	if fi, err := a.root.Lstat(top); err != nil || !fi.IsDir() {
		return nil
	}
	return a.deleteIn(top, onDelete)
}

func (a *assembler) deleteIn(dir string, onDelete func(string)) error {
	d, err := a.root.OSRoot().Open(dir)
	if err != nil {
		a.fileError(dir, err)
		return nil
	}
	ents, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		a.fileError(dir, err)
		return nil
	}
	slices.SortFunc(ents, func(x, y fs.DirEntry) int { return strings.Compare(x.Name(), y.Name()) })
	for _, e := range ents {
		p := path.Join(dir, e.Name())
		switch {
		case !a.keep[p] && a.protected(p, e.IsDir()):
			// kept, and not entered: rsync protects an excluded directory whole
		case !a.keep[p]:
			var inside []string
			if e.IsDir() {
				inside = a.subtree(p)
			}
			if !a.dry {
				if err := a.root.RemoveAll(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
					a.fileError(p, err)
					continue
				}
			}
			a.mu.Lock()
			a.res.Deleted += 1 + len(inside)
			// reported deepest first, directories ending in "/"
			a.mu.Unlock()
			if onDelete != nil {
				if e.IsDir() {
					inside = append(inside, p+"/")
				} else {
					inside = append(inside, p)
				}
				for _, q := range inside {
					onDelete(q)
				}
			}
		case e.IsDir():
			if err := a.deleteIn(p, onDelete); err != nil {
				return err
			}
		}
	}
	return nil
}
