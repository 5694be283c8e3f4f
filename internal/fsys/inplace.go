package fsys

import (
	"fmt"
	"os"
)

// OpenInplace opens the destination name itself for writing, for
// --inplace: read-write, created with mode 0600 if missing, never following a
// final symlink, and not truncated (the old contents serve as the basis).
// The returned Temp writes to name directly: Commit applies the metadata and
// closes the file without renaming, Abort and KeepPartial only close it.
// The caller truncates to the final size (t.File().Truncate) before Commit.
//
// This is not crash-safe: an interruption leaves a mix of old and new data
// under the real name.
func (r *Root) OpenInplace(name string) (*Temp, error) {
	if err := checkName(name, false); err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	p, err := r.openParent(name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	f, created, err := r.openRegularIn(p, name, os.O_RDWR|os.O_CREATE)
	if err != nil {
		p.close()
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	return &Temp{r: r, fd: int(f.Fd()), f: f, p: p, name: name, inplace: true, created: created}, nil
}
