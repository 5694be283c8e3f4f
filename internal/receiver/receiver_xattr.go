package receiver

import (
	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/tree"
)

// itemizeXattrs marks rsync's 'a' (ACL) and 'x' (other extended
// attributes) columns of b when s and ex differ in what this receiver
// manages.
func (r *Engine) itemizeXattrs(b []byte, s, ex *tree.Entry) {
	set := r.Cfg.XattrSet()
	if set == 0 || s.Type == tree.TypeSymlink {
		return
	}
	if set&fsys.XattrACL != 0 && !fsys.XattrsEqual(s.Xattrs, ex.Xattrs, fsys.IsACL) {
		b[9] = 'a'
	}
	user := func(name string) bool { return !fsys.IsACL(name) && set.Has(name, role.IsRoot) }
	if set&(fsys.XattrUser|fsys.XattrPrivileged) != 0 && !fsys.XattrsEqual(s.Xattrs, ex.Xattrs, user) {
		b[10] = 'x'
	}
}
