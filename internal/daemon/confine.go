package daemon

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrOutside reports a requested path that is not confined to its module:
// absolute, with a ".." component, or through a symbolic link.
var ErrOutside = errors.New("ferry: path outside the module")

// confinePath maps a module-relative path from a client to an OS path
// under the module directory base, for code that opens OS paths.
//
// It refuses absolute paths, NUL bytes and ".." components, and any
// existing component that is a symbolic link (checked through root, so the
// check itself cannot escape): opening a directory by OS path follows
// links, and one inside the module may point anywhere. When lastMayLink is
// true the final component may be a link (the sender sends a link as a
// link; it does not follow it). A trailing slash is kept: it means "the
// directory's contents" to the session.
func confinePath(root *os.Root, base, p string, lastMayLink bool) (string, error) {
	if strings.IndexByte(p, 0) >= 0 {
		return "", fmt.Errorf("%w: NUL in %q", ErrOutside, p)
	}
	if strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("%w: %q is absolute", ErrOutside, p)
	}
	slash := p == "" || strings.HasSuffix(p, "/")
	var parts []string
	for _, c := range strings.Split(p, "/") {
		switch c {
		case "", ".":
		case "..":
			return "", fmt.Errorf("%w: %q has a \"..\" component", ErrOutside, p)
		default:
			parts = append(parts, c)
		}
	}
	if len(parts) == 0 {
		slash = true
	}
	for i := range parts {
		if i == len(parts)-1 && lastMayLink && !slash {
			break
		}
		name := strings.Join(parts[:i+1], "/")
		fi, err := root.Lstat(name)
		if errors.Is(err, fs.ErrNotExist) {
			break // created (or reported missing) by the session, under checked parents
		}
		if err != nil {
			return "", fmt.Errorf("%w: %s: %w", ErrOutside, name, err)
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return "", fmt.Errorf("%w: %q goes through the symbolic link %q", ErrOutside, p, name)
		}
	}
	out := filepath.Join(append([]string{base}, parts...)...)
	if slash {
		out += "/"
	}
	return out, nil
}
