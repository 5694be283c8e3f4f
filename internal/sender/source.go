package sender

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/tree"
)

// source is one source operand opened for walking.
type source struct {
	root *os.Root
	// name is the top-level transfer name ("src" for operand "dir/src"),
	// or "" when the operand's contents are sent ("src/"); with relative,
	// the kept path, of one or more components ("." for all of root).
	name     string
	relative bool // -R: name's parents are implied directories of it
	// confine, when not nil, is the directory that followed symlinks must
	// not leave (a daemon module), and confinePath root's path in it.
	confine     *os.Root
	confinePath string
}

// openSource opens a source operand with rsync's trailing-slash rule: a
// trailing slash (or a final "." or "..") sends the directory's contents,
// otherwise the named entry itself.
func openSource(b *rootCache, op string) (*source, error) {
	if op == "" {
		return nil, fmt.Errorf("empty source operand")
	}
	base := filepath.Base(op)
	if strings.HasSuffix(op, "/") || base == "." || base == ".." || base == "/" {
		r, err := b.OpenRoot(op)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", op, err)
		}
		return &source{root: r, confine: b.Root, confinePath: b.Rel(op)}, nil
	}
	r, err := b.OpenRoot(filepath.Dir(op))
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", op, err)
	}
	if _, err := r.Lstat(base); err != nil {
		return nil, fmt.Errorf("source %s: %w", op, err)
	}
	return &source{root: r, name: base, confine: b.Root, confinePath: b.Rel(filepath.Dir(op))}, nil
}

// rootCache opens the operands' directories through a role.Base, once
// each: operands in one directory share its descriptor, so that a peer's
// Run naming "." 65,536 times holds one, not 65,536. It owns the roots.
type rootCache struct {
	role.Base
	roots map[string]*os.Root
}

// OpenRoot returns the open directory name, opening it the first time.
func (c *rootCache) OpenRoot(name string) (*os.Root, error) {
	key := filepath.Clean(name)
	if r := c.roots[key]; r != nil {
		return r, nil
	}
	r, err := c.Base.OpenRoot(name)
	if err != nil {
		return nil, err
	}
	if c.roots == nil {
		c.roots = map[string]*os.Root{}
	}
	c.roots[key] = r
	return r, nil
}

// close closes every root.
func (c *rootCache) close() {
	for _, r := range c.roots {
		r.Close()
	}
	c.roots = nil
}

// sourceKey identifies an operand by what it sends: its directory and
// name; a second operand with the key of a first would send its entries
// again.
type sourceKey struct {
	root     *os.Root
	name     string
	relative bool
}

func (s *source) key() sourceKey { return sourceKey{s.root, s.name, s.relative} }

// covers reports whether transfer path p can come from s.
func (s *source) covers(p string) bool {
	return s.name == "" || s.name == "." || tree.Contains(s.name, p)
}

// implies reports whether dir can come from s as a parent of the paths it
// covers: with -R, the implied directories above its kept path too.
func (s *source) implies(dir string) bool {
	return s.covers(dir) || s.relative && tree.Contains(dir, s.name)
}

// walkOptions returns the walk of path start (a transfer path) in s.
func (s *source) walkOptions(start string, cfg *role.Config, f *tree.Filter) tree.WalkOptions {
	o := tree.WalkOptions{
		Recursive:     cfg.Recursive,
		OneFileSystem: cfg.OneFileSystem,
		Filter:        f,
		MergeFrom:     ".",
		Checksum:      cfg.Checksum,
		NumericIDs:    cfg.NumericIDs,
		Xattrs:        cfg.XattrSet(),
		Follow:        cfg.Follow(),
	}
	o.Follow.Confine, o.Follow.ConfinePath = s.confine, s.confinePath
	if s.name != "" {
		o.MergeFrom = s.name // "src" is the top transfer directory, not its parent
	}
	switch {
	case start == "" && s.name == "":
		o.Start, o.Prefix = ".", ""
	case start == "":
		o.Start, o.Prefix = s.name, s.name
	default:
		o.Start, o.Prefix = start, start
	}
	return o
}

// excluded reports whether p or one of its parents is excluded by f.
func excluded(f *tree.Filter, p string, isDir bool) bool {
	if f == nil {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && f.Match(p[:i], true) {
			return true
		}
	}
	return f.Match(p, isDir)
}
