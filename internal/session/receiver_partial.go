package session

import (
	"os"
	"strings"
)

// openPartial opens the partial data an interrupted earlier run kept for
// the destination name, to serve as the delta basis, with its size; nil
// when there is none (or no partial directory is configured).
func (r *receiver) openPartial(name string) (*os.File, int64) {
	if r.cfg.PartialDir == "" {
		return nil, 0
	}
	f, n, err := r.root.OpenPartial(name, r.cfg.PartialDir)
	if err != nil || f == nil {
		return nil, 0
	}
	if n == 0 {
		f.Close()
		r.root.RemovePartial(name, r.cfg.PartialDir)
		return nil, 0
	}
	return f, n
}

// isPartialDir reports whether the destination entry at p is a partial
// directory, which the merge neither compares nor deletes.
func (r *receiver) isPartialDir(p string) bool {
	pd := r.cfg.PartialDir
	if pd == "" || strings.Contains(pd, "/") {
		return false
	}
	return p == pd || strings.HasSuffix(p, "/"+pd)
}
