package sender

import "github.com/ferrysync/ferry/internal/wire"

// linkTarget reads, for an itemized symlink the remote receiver reported,
// its target from the source, since wire.Itemized does not carry it.
func (s *Engine) linkTarget(m *wire.Itemized) string {
	if m.Kind != wire.ItemChanged || len(m.Itemize) < 2 || m.Itemize[1] != 'L' {
		return ""
	}
	for _, src := range s.srcs {
		if !src.covers(m.Path) {
			continue
		}
		if t, err := src.root.Readlink(m.Path); err == nil {
			return t
		}
	}
	return ""
}
