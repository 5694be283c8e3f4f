package watch

import "golang.org/x/sys/unix"

// handleAll turns the events of one read into changes. A rename inside
// the root is an IN_MOVED_FROM and an IN_MOVED_TO with one cookie, which
// the kernel queues together: found in the same read, they become one
// Change with From, and a directory's watches move with it (they follow
// its inode), so nothing made inside it meanwhile is missed. Apart (a
// move out of or into the root, or a pair split across reads), each is a
// change of its own: a deletion, a creation.
func (w *inotifyWatcher) handleAll(evs []rawEvent, changes []Change) []Change {
	to := map[uint32]int{} // cookie -> index of its IN_MOVED_TO
	for i, ev := range evs {
		if ev.mask&unix.IN_MOVED_TO != 0 && ev.cookie != 0 {
			to[ev.cookie] = i
		}
	}
	var paired map[int]bool
	for i, ev := range evs {
		if paired[i] {
			continue
		}
		if ev.mask&unix.IN_MOVED_FROM != 0 && ev.cookie != 0 {
			if j, ok := to[ev.cookie]; ok && j > i {
				if c, ok := w.move(ev, evs[j]); ok {
					if paired == nil {
						paired = map[int]bool{}
					}
					paired[j] = true
					changes = append(changes, c)
					continue
				}
			}
		}
		changes = w.handle(ev, changes)
	}
	return changes
}

// move is the rename of from's name to to's; false when either directory
// is not watched (any more).
func (w *inotifyWatcher) move(from, to rawEvent) (Change, bool) {
	fdir, ok1 := w.wds[from.wd]
	tdir, ok2 := w.wds[to.wd]
	if !ok1 || !ok2 || from.name == "" || to.name == "" {
		return Change{}, false
	}
	old, new := join(fdir, from.name), join(tdir, to.name)
	dir := from.mask&unix.IN_ISDIR != 0
	if dir {
		w.removeTree(new) // a directory replaced (it was empty)
		for d, wd := range w.dirs {
			if under(old, d) {
				nd := new + d[len(old):]
				delete(w.dirs, d)
				w.dirs[nd], w.wds[wd] = wd, nd
			}
		}
		for d := range w.polled {
			if under(old, d) {
				delete(w.polled, d)
				w.polled[new+d[len(old):]] = struct{}{}
			}
		}
	}
	return Change{Path: new, From: old, Dir: dir}, true
}
