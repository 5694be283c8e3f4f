package watch

import (
	"strings"
	"time"
)

// Rename is a rename inside the root, replicated as one.
type Rename struct {
	// Old and New are relative to the root.
	Old, New string
	// Dir: a directory moved, with everything under it.
	Dir bool
}

// batcher accumulates the changes of one batch. Renames are kept in
// order; a path changed before a rename is recorded under its new name
// (the replica renames first, then compares the changed paths), and a
// rename of something created in this batch is no rename at all: the
// replica never had it, so it is a new path under its last name.
type batcher struct {
	paths   map[string]struct{} // changed, under their current names
	fresh   map[string]struct{} // created in this batch
	renames []Rename
	rescan  bool
	first   time.Time
}

func (b *batcher) empty() bool { return !b.rescan && len(b.paths) == 0 && len(b.renames) == 0 }

func (b *batcher) add(c Change) {
	if c.Rescan && c.Path == "" {
		b.rescan = true
		return
	}
	if b.paths == nil {
		b.paths, b.fresh = map[string]struct{}{}, map[string]struct{}{}
	}
	switch {
	case c.From != "" && c.From != c.Path:
		b.rename(c.From, c.Path, c.Dir)
		return
	case c.Created:
		b.fresh[c.Path] = struct{}{}
	}
	b.paths[c.Path] = struct{}{}
}

// rename records old moved to new.
func (b *batcher) rename(old, new string, dir bool) {
	replaced := func(set map[string]struct{}) {
		for p := range set {
			if under(new, p) {
				delete(set, p)
			}
		}
	}
	replaced(b.paths) // what was at new is gone
	replaced(b.fresh)
	wasFresh := false
	for d := old; ; d = parentOf(d) {
		if _, ok := b.fresh[d]; ok {
			wasFresh = true
			break
		}
		if d == "" {
			break
		}
	}
	move(b.paths, old, new)
	move(b.fresh, old, new)
	if wasFresh {
		b.fresh[new] = struct{}{}
		b.paths[new] = struct{}{}
		return
	}
	b.renames = append(b.renames, Rename{Old: old, New: new, Dir: dir})
}

// move renames old, and everything under it, to new in set.
func move(set map[string]struct{}, old, new string) {
	for p := range set {
		if under(old, p) {
			delete(set, p)
			set[new+p[len(old):]] = struct{}{}
		}
	}
}

// under reports whether p is dir or inside it ("" is the root).
func under(dir, p string) bool {
	return dir == "" || p == dir || strings.HasPrefix(p, dir+"/")
}

// parentOf is p's parent directory ("" for a top-level name).
func parentOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

// peek is the batch as it stands.
func (b *batcher) peek() Batch {
	if b.rescan {
		return Batch{Rescan: true, First: b.first}
	}
	return Batch{Paths: Coalesce(b.paths), Renames: b.renames, First: b.first}
}

func (b *batcher) take() Batch {
	bt := b.peek()
	*b = batcher{}
	return bt
}
