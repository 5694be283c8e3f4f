package sender

import "github.com/ferrysync/ferry/internal/tree"

// pruner implements PruneEmptyDirs (rsync -m) on the entry stream: a
// directory is held back until a non-directory turns up below it, then
// sent with the held directories above it; a held directory the walk
// leaves without one is dropped. It holds only the chain of directories
// from the last one sent down to the current one: memory is bounded by
// the depth of the tree. The root "." and the directories a receiver-side
// protect rule names are always sent.
type pruner struct {
	protect *tree.Filter
	held    []*tree.Entry // outermost first
}

// add passes e to send, after the held directories it needs, or holds it.
func (p *pruner) add(e *tree.Entry, send func(*tree.Entry) error) error {
	n := len(p.held)
	for n > 0 && !tree.Contains(p.held[n-1].Path, e.Path) {
		p.held[n-1] = nil
		n--
	}
	p.held = p.held[:n]
	if e.Type == tree.TypeDir && e.Path != "." && !p.protect.Match(e.Path, true) {
		p.held = append(p.held, e)
		return nil
	}
	for i, d := range p.held {
		p.held[i] = nil
		if err := send(d); err != nil {
			return err
		}
	}
	p.held = p.held[:0]
	return send(e)
}
