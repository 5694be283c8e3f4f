package swarm

import (
	"path"

	"github.com/ferrysync/ferry/internal/tree"
)

// Filters (--exclude, --include, --filter) apply to the manifest's entries
// by their destination paths, which are the transfer-relative paths the
// normal sync matches: an excluded entry is neither fetched nor kept, and
// an excluded directory takes its whole subtree with it, as a walk that
// never enters it. With Delete, the receiver's rules protect destination
// entries from deletion (excluded ones too, unless --delete-excluded).
// Per-directory merge rules need the origin's files and are not supported
// (the caller refuses them).

// take maps e to the destination (mapEntry) and applies the filter; it
// returns the path in the module, false when e is not fetched.
func (a *assembler) take(e *Entry) (string, bool) {
	src, ok := a.sub.mapEntry(e)
	if !ok || a.filter.Empty() || e.Path == "." {
		return src, ok
	}
	for d := path.Dir(e.Path); d != "."; d = path.Dir(d) {
		if a.excludedDirs[d] {
			return "", false
		}
	}
	if a.filter.Match(e.Path, e.Type == TypeDir) {
		if e.Type == TypeDir {
			if a.excludedDirs == nil {
				a.excludedDirs = map[string]bool{}
			}
			a.excludedDirs[e.Path] = true
		}
		return "", false
	}
	return src, true
}

// protected reports whether the destination entry p is protected from
// deletion by the receiver's rules.
func (a *assembler) protected(p string, isDir bool) bool {
	return !a.protect.Empty() && a.protect.Match(p, isDir)
}

// filterFields are the assembler's filter state.
type filterFields struct {
	filter, protect *tree.Filter
	excludedDirs    map[string]bool // plan's goroutine, then dirMeta's
}
