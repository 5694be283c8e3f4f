package receiver

import (
	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/tree"
)

// ItemDeleting is rsync's itemize string for a deletion.
const ItemDeleting = "*deleting  "

func typeChar(t tree.Type) byte {
	switch t {
	case tree.TypeFile:
		return 'f'
	case tree.TypeDir:
		return 'd'
	case tree.TypeSymlink:
		return 'L'
	case tree.TypeChar, tree.TypeBlock:
		return 'D'
	}
	return 'S'
}

// itemize returns rsync's 11-character change summary (YXcstpoguax) for
// entry s replacing ex (nil: new). y is the update kind: '>' received, 'c'
// created locally, 'h' hard link, '.' attributes only. It returns "" when
// y is '.' and nothing differs.
func (r *Engine) itemize(y byte, s, ex *tree.Entry, sumDiffers bool) string {
	x := typeChar(s.Type)
	if r.Cfg.WriteOnly { // write-only hook (writeonly.go): what was there is not told
		ex = nil
	}
	if ex == nil || ex.Type != s.Type {
		return string([]byte{y, x}) + "+++++++++"
	}
	b := []byte{y, x, '.', '.', '.', '.', '.', '.', '.', '.', '.'}
	if sumDiffers || (s.Type == tree.TypeSymlink && s.LinkTarget != ex.LinkTarget) ||
		((s.Type == tree.TypeChar || s.Type == tree.TypeBlock) && s.Rdev != ex.Rdev) {
		b[2] = 'c'
	}
	if s.Type == tree.TypeFile && s.Size != ex.Size {
		b[3] = 's'
	}
	switch {
	case r.Cfg.Times && r.mtimeCmp(s.MTime, ex.MTime) != 0 && s.Type != tree.TypeSymlink && !(s.Type == tree.TypeDir && r.omitDirTimes()):
		b[4] = 't'
	case !r.Cfg.Times && y == '>':
		b[4] = 'T'
	}
	if r.Cfg.Perms && s.Type != tree.TypeSymlink && s.Mode != ex.Mode {
		b[5] = 'p'
	}
	m := r.meta(s)
	if r.Cfg.Owner && role.IsRoot && m.UID != ex.UID {
		b[6] = 'o'
	}
	if r.Cfg.Group && m.GID != ex.GID {
		b[7] = 'g'
	}
	r.itemizeXattrs(b, s, ex)
	if y == '.' && string(b[2:]) == "........." {
		return ""
	}
	return string(b)
}

// meta returns the metadata to apply for s, with owner and group mapped by
// name unless NumericIDs.
func (r *Engine) meta(s *tree.Entry) fsys.Meta {
	m := fsys.Meta{Mode: s.Mode, UID: s.UID, GID: s.GID, MTime: s.MTime, Symlink: s.Type == tree.TypeSymlink, Xattrs: s.Xattrs}
	if !r.Cfg.NumericIDs {
		if s.User != "" {
			if id, ok := tree.UserID(s.User); ok {
				m.UID = id
			}
		}
		if s.Group != "" {
			if id, ok := tree.GroupID(s.Group); ok {
				m.GID = id
			}
		}
	}
	return m
}

func (r *Engine) preserve() fsys.Preserve {
	return fsys.Preserve{Perms: r.Cfg.Perms, Owner: r.Cfg.Owner, Group: r.Cfg.Group, Times: r.Cfg.Times, Xattrs: r.Cfg.XattrSet()}
}
