package fsys

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// ErrUnsafePath is returned (wrapped with the operation and name) for a name
// that is absolute, contains a NUL byte, or has an empty, "." or ".."
// component.
var ErrUnsafePath = errors.New("ferry: unsafe path")

// checkName validates a root-relative slash-separated name. The root itself
// (".") is accepted only when allowRoot is set.
func checkName(name string, allowRoot bool) error {
	if name == "." && allowRoot {
		return nil
	}
	if name == "" || name[0] == '/' || strings.IndexByte(name, 0) >= 0 {
		return fmt.Errorf("%w: %q", ErrUnsafePath, name)
	}
	for rest := name; ; {
		comp, tail, more := strings.Cut(rest, "/")
		if comp == "" || comp == "." || comp == ".." {
			return fmt.Errorf("%w: %q", ErrUnsafePath, name)
		}
		if !more {
			return nil
		}
		rest = tail
	}
}

// split returns the parent directory (possibly ".") and the final component
// of a validated name.
func split(name string) (dir, base string) {
	i := strings.LastIndexByte(name, '/')
	if i < 0 {
		return ".", name
	}
	return name[:i], name[i+1:]
}

// join joins a directory (possibly ".") and a final component.
func join(dir, base string) string {
	if dir == "." {
		return base
	}
	return dir + "/" + base
}

// partialDirOf returns the root-relative partial directory for the file dir
// and the partial directory setting partialDir (DefaultPartialDir when
// empty). A partialDir that would leave the root is rejected.
func partialDirOf(dir, partialDir string) (string, error) {
	if partialDir == "" {
		partialDir = DefaultPartialDir
	}
	if strings.HasPrefix(partialDir, "/") || strings.IndexByte(partialDir, 0) >= 0 {
		return "", fmt.Errorf("partial dir %q: %w", partialDir, ErrUnsafePath)
	}
	p := path.Clean(path.Join(dir, partialDir))
	if p == "." || p == path.Clean(dir) || p == ".." || strings.HasPrefix(p, "../") {
		return "", fmt.Errorf("partial dir %q: %w", partialDir, ErrUnsafePath)
	}
	return p, nil
}
