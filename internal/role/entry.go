package role

import (
	"slices"

	"github.com/ferrysync/ferry/internal/tree"

	"github.com/ferrysync/ferry/internal/wire"
)

// NormalizePaths validates, sorts in canonical order and drops paths
// inside another listed path.
func NormalizePaths(paths []string) []string {
	var out []string
	for _, p := range paths {
		if tree.ValidPath(p) == nil {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, tree.Compare)
	j := 0
	for _, p := range out {
		if j > 0 && tree.Contains(out[j-1], p) {
			continue
		}
		out[j] = p
		j++
	}
	return out[:j]
}

// FromWireEntry converts an entry of the stream to a tree.Entry.
func FromWireEntry(w *wire.Entry) *tree.Entry {
	return &tree.Entry{
		Path: w.Path, Type: tree.Type(w.Type), Mode: w.Mode, Size: w.Size, MTime: w.MTime,
		UID: w.UID, GID: w.GID, User: w.User, Group: w.Group,
		LinkTarget: w.LinkTarget, Rdev: w.Rdev, HardLink: w.HardLink, Checksum: w.Checksum,
		Xattrs: FromWireXattrs(w.Xattrs),
	}
}
