package ferry

import (
	"fmt"
	"io/fs"
	"path/filepath"
)

// hardLinked reports whether a changed path of the local source srcDir
// is, or holds, a regular file with more than one link. With -H such a
// batch is a pass over the whole tree: the file's other names, which no
// event named, must be sent beside it for the replica to link them (a
// new link to an old file), and a write through one name changed them
// all.
func hardLinked(srcDir string, paths []string) bool {
	if srcDir == "" {
		return false
	}
	found := false
	for _, p := range paths {
		filepath.WalkDir(filepath.Join(srcDir, filepath.FromSlash(p)), func(_ string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return nil
			}
			if fi, err := d.Info(); err == nil && links(fi) > 1 {
				found = true
				return filepath.SkipAll
			}
			return nil
		})
		if found {
			return true
		}
	}
	return false
}

// destInside refuses a local dst inside the watched directory srcDir (or
// srcDir itself): every change replicated there would be a change in the
// source again, a loop without end.
func destInside(srcDir, dst string) error {
	dop, err := ParseOperand(dst)
	if err != nil || dop.Kind != Local {
		return nil // Open reports a bad operand; a remote one is elsewhere
	}
	s, err1 := resolved(srcDir)
	d, err2 := resolved(filepath.FromSlash(dop.Path))
	if err1 != nil || err2 != nil {
		return nil
	}
	if rel, err := filepath.Rel(s, d); err == nil && (rel == "." || filepath.IsLocal(rel)) {
		return fmt.Errorf("%w: DEST %s is inside SRC %s: each change replicated would be a change to watch again", ErrBadOperand, dst, srcDir)
	}
	return nil
}

// resolved is p absolute with its symlinks resolved, as far as it exists
// (a destination may not exist yet).
func resolved(p string) (string, error) {
	p, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	for {
		r, err := filepath.EvalSymlinks(p)
		if err == nil {
			return filepath.Join(r, rest), nil
		}
		parent := filepath.Dir(p)
		if parent == p {
			return "", err
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}
