package role

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ferrysync/ferry/internal/fsys"
)

// Base resolves run operands: as OS paths, or, when root is set
// (ServeOptions.Root), as names inside that already-open directory, so
// that nothing is looked up again by path outside it (a daemon module
// whose directories a local user may rename while a session starts).
type Base struct {
	Root *os.Root // nil: operands are OS paths
}

// Rel turns operand name into a name inside b.root ("." for the root).
func (b Base) Rel(name string) string {
	name = strings.TrimLeft(filepath.Clean("/"+name), "/")
	if name == "" {
		return "."
	}
	return name
}

// Stat follows a final symlink (inside the root when there is one).
func (b Base) Stat(name string) (fs.FileInfo, error) {
	if b.Root == nil {
		return os.Stat(name)
	}
	return b.Root.Stat(b.Rel(name))
}

// Mkdir creates directory name, with its parents when all.
func (b Base) Mkdir(name string, all bool) error {
	switch {
	case b.Root == nil:
		return untrusted(fsys.MkdirTrusted(name, all, 0o777)) // a symlink on the way: root's or ours only
	case all:
		return b.Root.MkdirAll(b.Rel(name), 0o777)
	}
	return b.Root.Mkdir(b.Rel(name), 0o777)
}

// OpenRoot opens directory name as an os.Root.
func (b Base) OpenRoot(name string) (*os.Root, error) {
	if b.Root == nil {
		return os.OpenRoot(name)
	}
	return b.Root.OpenRoot(b.Rel(name))
}

// OpenDest opens directory name as the destination's fsys.Root. Inside a
// root, the directory is opened through it and fsys reopens that very
// directory through its descriptor (fdPath), not by a path. Outside one (a
// local or ssh destination, a --temp-dir, a --link-dest), a symlink on the
// way is followed only when root or this user owns it (fsys.OpenTrusted).
func (b Base) OpenDest(name string) (*fsys.Root, error) {
	if b.Root == nil {
		r, err := fsys.OpenTrusted(name) // a symlink on the way: root's or ours only
		return r, untrusted(err)
	}
	d, err := b.Root.Open(b.Rel(name))
	if err != nil {
		return nil, fmt.Errorf("open root %s: %w", name, err)
	}
	defer d.Close()
	if fi, err := d.Stat(); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("open root %s: %w", name, ErrNotDir)
	}
	return fsys.Open(fdPath(d))
}
