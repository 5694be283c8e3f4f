package ferry

import (
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
