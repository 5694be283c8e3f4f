package receiver

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/role"
)

// Temp directory hook (-T, --temp-dir). The receiver opens Config.TempDir
// once, right after the destination directory, as an fsys.Root of its own
// and gives it to the destination's Root (fsys.Root.SetTempDir): every
// temp file is then created there, including those of the local handoff
// (handoff.go creates its files with createFile too) and the unnamed
// files of new names (none: with a temp directory fsys names them in it).
// A relative TempDir is relative to the destination directory; an
// absolute one is a path of the receiving host. Both go through the
// operand base (base.go): inside a daemon module the temp directory is
// confined to the module, an absolute path naming a directory from the
// module's top and ".." never leaving it, like rsync's sanitized paths.
// As in rsync, a temp directory that does not exist is a usage error
// (exit 1) once the destination exists. Stale temp files in it are removed
// as it is opened (stale.go). A file resumed from its partial
// data (receiver_resume.go) keeps being written beside its name.

// openTempDir opens the temp directory of a destination whose directory
// is dir (an operand path) and sets it on r.root.
func (r *Engine) openTempDir(dir string) error {
	td := r.Cfg.TempDir
	if td == "" || r.root == nil || r.tempRoot != nil {
		return nil
	}
	p := td
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	root, err := r.OpBase.OpenDest(p)
	if err != nil {
		if r.Cfg.DryRun {
			return nil // nothing is written
		}
		if errors.Is(err, fsys.ErrUntrustedSymlink) {
			return fmt.Errorf("temp-dir %s: %w", td, err) // code 3, as the destination's
		}
		return &role.UsageError{Msg: fmt.Sprintf("the temp-dir does not exist: %s (%v)", td, unwrapPathError(err))}
	}
	r.tempRoot = root
	r.root.SetTempDir(root)
	r.dropStaleTemps(root) // stale.go
	return nil
}

// closeTempDir closes the temp directory's Root, after the last commit.
func (r *Engine) closeTempDir() {
	if r.tempRoot != nil {
		r.tempRoot.Close()
		r.tempRoot = nil
	}
}
