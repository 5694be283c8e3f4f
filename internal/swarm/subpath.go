package swarm

import (
	"path"
	"strings"
)

// A fetch of a path inside the module (ferry://origin/module/sub/dir/)
// takes the manifest entries under it and places them as the normal sync
// would: with a trailing slash, the directory's contents go into the
// destination; without one, the directory (or file) itself, by its last
// name. Chunks are still requested by their path in the module.

// subpath maps manifest paths to destination paths.
type subpath struct {
	prefix string // module-relative, no trailing slash; "" the whole module
	keep   string // what the prefix becomes in the destination: "." or its base name
}

func newSubpath(sub string) subpath {
	clean := strings.Trim(sub, "/")
	if clean == "" || clean == "." {
		return subpath{}
	}
	keep := path.Base(clean)
	if strings.HasSuffix(sub, "/") {
		keep = "."
	}
	return subpath{prefix: clean, keep: keep}
}

// dest returns the destination path of manifest path p, false when p is
// outside the prefix.
func (s subpath) dest(p string) (string, bool) {
	switch {
	case s.prefix == "":
		return p, true
	case p == s.prefix:
		return s.keep, true
	case strings.HasPrefix(p, s.prefix+"/"):
		return path.Join(s.keep, p[len(s.prefix)+1:]), true
	}
	return "", false
}

// mapEntry rewrites e.Path to its destination path and returns the path
// in the module, false when e is outside the prefix.
func (s subpath) mapEntry(e *Entry) (string, bool) {
	d, ok := s.dest(e.Path)
	if !ok {
		return "", false
	}
	src := e.Path
	e.Path = d
	return src, true
}
