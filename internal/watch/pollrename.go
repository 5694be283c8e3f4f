package watch

import (
	"slices"
	"strings"
)

// diffScans returns what changed from the scan old to the scan cur: the
// renames first (an entry whose dev and inode, type, and for a
// non-directory size and modification time, are those of an entry of old
// whose name is gone from cur, now under a name that is new or held
// another entry: a directory moves with everything under it), then each
// path made, changed or removed, under its name after the renames.
func diffScans(old, cur snapshot) []Change {
	var out []Change
	type id struct{ dev, ino uint64 }
	gone := map[id]string{} // entries of old whose names are gone
	for p, e := range old {
		if _, ok := cur[p]; !ok && e.idOK {
			gone[id{e.dev, e.ino}] = p
		}
	}
	moved := map[string]bool{} // the new names of renames
	if len(gone) > 0 {
		var targets []string // names new in cur, or holding another entry
		for p, e := range cur {
			if o, ok := old[p]; e.idOK && (!ok || o.dev != e.dev || o.ino != e.ino) {
				targets = append(targets, p)
			}
		}
		slices.Sort(targets) // parents first
		old = clone(old)
		for _, n := range targets {
			e := cur[n]
			if o, ok := old[n]; ok && o.dev == e.dev && o.ino == e.ino {
				continue // under a directory moved here already
			}
			g, ok := gone[id{e.dev, e.ino}]
			if !ok {
				continue
			}
			o, ok := old[g]
			if !ok || !sameEntry(o, e) {
				continue
			}
			delete(gone, id{e.dev, e.ino})
			moveTree(old, g, n)
			moved[n] = true
			out = append(out, Change{Path: n, From: g, Dir: e.mode.IsDir()})
		}
	}
	var changed, dirTimes []string
	touched := map[string]bool{} // directories an entry was made, changed or removed in
	for _, c := range out {
		touched[parentOf(c.Path)], touched[parentOf(c.From)] = true, true
	}
	for p, e := range cur {
		o, ok := old[p]
		switch {
		case !ok:
			out = append(out, Change{Path: p, Created: true, Dir: e.mode.IsDir()})
			touched[parentOf(p)] = true
		case o.mode != e.mode || o.dev != e.dev || o.ino != e.ino:
			changed = append(changed, p)
		case e.mode.IsDir() && (o.mtime != e.mtime || o.ctime != e.ctime && !moved[p]):
			dirTimes = append(dirTimes, p) // unless an entry in it changed (below)
		case o.size != e.size || o.mtime != e.mtime || o.ctime != e.ctime && !moved[p]: // a rename changes the ctime of what it moves
			changed = append(changed, p)
		}
	}
	for p := range old {
		if _, ok := cur[p]; !ok {
			changed = append(changed, p)
		}
	}
	for _, p := range changed {
		touched[parentOf(p)] = true
	}
	// A directory whose times changed because of an entry in it goes with
	// that entry (a pass sends the parents of its paths), not as a path
	// of its own, which would compare everything under it.
	for _, p := range dirTimes {
		if !touched[p] {
			changed = append(changed, p)
		}
	}
	slices.Sort(changed)
	for _, p := range changed {
		out = append(out, Change{Path: p})
	}
	return out
}

// sameEntry reports whether a (of the last scan) and b may be one entry
// renamed: the same type, and for a non-directory the same size and
// modification time.
func sameEntry(a, b entryInfo) bool {
	if a.mode.Type() != b.mode.Type() {
		return false
	}
	return a.mode.IsDir() || a.size == b.size && a.mtime == b.mtime
}

// moveTree renames old, and everything under it, to new in s; what was at
// new (and under it) is dropped first.
func moveTree(s snapshot, old, new string) {
	for p := range s {
		if p == new || strings.HasPrefix(p, new+"/") {
			delete(s, p)
		}
	}
	for p, e := range s {
		if p == old || strings.HasPrefix(p, old+"/") {
			delete(s, p)
			s[new+p[len(old):]] = e
		}
	}
}

func clone(s snapshot) snapshot {
	c := make(snapshot, len(s))
	for p, e := range s {
		c[p] = e
	}
	return c
}
