//go:build !linux

package swarm

// treeWatch: only Linux has inotify; elsewhere an origin scans its tree
// at every INFO.
type treeWatch struct{}

func newTreeWatch() *treeWatch     { return nil }
func (w *treeWatch) add(int) error { return nil }
func (w *treeWatch) changed() bool { return true }
func (w *treeWatch) close()        {}
func (w *treeWatch) close()        {}
