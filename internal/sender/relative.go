package sender

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/ferrysync/ferry/internal/tree"
)

// SplitRelative splits a source operand for -R/--relative, as rsync does:
// the part after a "/./" is the path kept in the destination and the part
// before it the directory it is found in; without "/./", an absolute
// operand keeps its whole path below "/" and a relative one its whole path
// below ".". A trailing slash makes no difference ("a/b/" is "a/b"). rel
// is a cleaned transfer path ("." when nothing is kept); a kept part with a
// ".." component is an error.
func SplitRelative(op string) (base, rel string, err error) {
	var keep string
	switch i := strings.Index(op, "/./"); {
	case i >= 0:
		base, keep = op[:i], op[i+3:]
		if base == "" {
			base = "/"
		}
	case strings.HasPrefix(op, "/"):
		base, keep = "/", op
	default:
		base, keep = ".", op
	}
	keep = filepath.ToSlash(keep)
	for _, c := range strings.Split(keep, "/") {
		if c == ".." {
			return "", "", fmt.Errorf("%s: the path kept by --relative must not contain \"..\"", op)
		}
	}
	rel = path.Clean("/" + keep)[1:]
	if rel == "" {
		rel = "."
	}
	if err := tree.ValidPath(rel); err != nil {
		return "", "", fmt.Errorf("%s: %w", op, err)
	}
	return base, rel, nil
}

// openRelativeSource opens a source operand for -R: its root is the base
// directory and its name the kept path, which may have several components.
func openRelativeSource(b *rootCache, op string) (*source, error) {
	dir, rel, err := SplitRelative(op)
	if err != nil {
		return nil, err
	}
	r, err := b.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", op, err)
	}
	if rel != "." {
		if _, err := r.Lstat(filepath.FromSlash(rel)); err != nil {
			return nil, fmt.Errorf("source %s: %w", op, err)
		}
	}
	return &source{root: r, name: rel, relative: true}, nil
}
