package receiver

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/ferrysync/ferry/internal/tree"
)

// ErrDirLinkOutside reports, with --keep-dirlinks, a destination symlink
// standing where the source has a directory that points outside the
// destination: ferry writes nothing through it (rsync would).
var ErrDirLinkOutside = errors.New("symlink to a directory outside the destination: not followed (--keep-dirlinks)")

// keepDirLink handles -K: the destination has the symlink link where the
// source has the directory s, named name in the destination. When the
// link points at a directory inside the destination, it returns that
// directory's entry (under s's path) and puts a walk of it in front of the
// destination walks, so that its contents are compared (and, with
// --delete, deleted) in their place in the merge. When the link points at
// nothing or at something else than a directory, it returns link: it is
// replaced, as without -K. When it leads outside the destination, refused
// is true.
func (m *merger) keepDirLink(s, link *tree.Entry, name string, splice bool) (ex *tree.Entry, refused bool) {
	r := m.r
	fi, err := r.root.OSRoot().Stat(name)
	switch {
	case err == nil && fi.IsDir():
	case err == nil, errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		return link, false
	default: // os.Root refuses to leave the destination
		return link, true
	}
	o := tree.WalkOptions{
		Start: name, Prefix: s.Path, Recursive: true, OneFileSystem: r.Cfg.OneFileSystem,
		Filter: r.destFilter, OnError: r.destError,
		Follow: tree.FollowLinks{Dirs: true, StartOnly: true, Confine: r.root.OSRoot(), ConfinePath: "."},
	}
	if !splice {
		o.Recursive = false
	}
	w := tree.NewWalker(r.root.OSRoot(), o)
	e, err := w.Next()
	if err != nil || e.Type != tree.TypeDir {
		w.Close()
		return link, false
	}
	if splice {
		m.dest = append([]tree.EntryWalker{w}, m.dest...)
	} else {
		w.Close()
	}
	return e, false
}

// refuseDirLink reports the -K symlink at s's path that leads outside the
// destination; the source entries below it are skipped and nothing of the
// destination below it is deleted.
func (m *merger) refuseDirLink(s, link *tree.Entry) {
	m.refused = append(m.refused, s.Path)
	m.protect = append(m.protect, s.Path)
	m.r.fail("keep-dirlinks", s.Path, fmt.Errorf("%w (-> %s)", ErrDirLinkOutside, link.LinkTarget))
}

// underRefused reports whether p lies below a refused -K symlink.
func (m *merger) underRefused(p string) bool {
	for _, q := range m.refused {
		if tree.Contains(q, p) && p != q {
			return true
		}
	}
	return false
}

// setDirLinkMeta applies a directory's metadata as rsync does for one kept
// as a symlink by -K: the permissions to the directory it points at, the
// owner and times to the link.
func (r *Engine) setDirLinkMeta(d *dirNode, name string) {
	meta := r.meta(d.s)
	meta.Symlink = true
	p := r.preserveDir()
	perms := p.Perms
	p.Perms = false
	if err := r.root.SetMeta(name, meta, p); err != nil {
		r.fail("set attributes", d.path, err)
	}
	if perms {
		if err := r.root.SetModeFollow(name, d.s.Mode); err != nil {
			r.fail("set attributes", d.path, err)
		}
	}
}
