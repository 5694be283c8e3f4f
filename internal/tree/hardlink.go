package tree

// HardLinkTracker groups hard-linked files of one walk (rsync -H). Fed the
// entries of a stream in order, it sets Entry.HardLink on the second and
// later members of each group to the first member's Path. Only entries
// with Nlink > 1 (directories excepted) are remembered, and a group is
// forgotten once all its links were seen, so memory is proportional to the
// multiply-linked files whose links are still pending. The zero value is
// ready to use; a HardLinkTracker is not safe for concurrent use.
type HardLinkTracker struct {
	groups map[devIno]*linkGroup
}

type devIno struct{ dev, ino uint64 }

type linkGroup struct {
	leader string
	seen   uint64
}

// Track records e and, when e is a later member of a group already seen,
// sets e.HardLink to the group leader's Path. It reports whether it set
// e.HardLink.
func (t *HardLinkTracker) Track(e *Entry) bool {
	if e.Type == TypeDir || e.Nlink <= 1 {
		return false
	}
	k := devIno{e.Dev, e.Ino}
	if g, ok := t.groups[k]; ok {
		e.HardLink = g.leader
		g.seen++
		if g.seen >= e.Nlink {
			delete(t.groups, k)
		}
		return true
	}
	if t.groups == nil {
		t.groups = make(map[devIno]*linkGroup)
	}
	t.groups[k] = &linkGroup{leader: e.Path, seen: 1}
	return false
}

// Pending returns the number of groups still waiting for links.
func (t *HardLinkTracker) Pending() int { return len(t.groups) }
