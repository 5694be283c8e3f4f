package session

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/ferrysync/ferry/internal/tree"
)

// ErrNotDir reports a destination that must be a directory but is not.
var ErrNotDir = errors.New("ferry: destination is not a directory")

// openDest opens the destination for pass 0, given the first stream item
// and whether it is the only entry. A single non-directory entry goes to
// the destination path itself unless that is a directory or ends in "/"
// (rsync's "cp" rule); otherwise the destination is a directory, created
// when missing (with its parents under MkPath).
func (r *receiver) openDest(first *tree.Entry, only bool) error {
	if r.root != nil {
		return nil
	}
	dst := r.dst
	slash := strings.HasSuffix(dst, "/")
	fi, statErr := r.opBase.stat(dst)
	isDir := statErr == nil && fi.IsDir()
	if first != nil && only && first.Type != tree.TypeDir && !strings.Contains(first.Path, "/") && !slash && !isDir {
		parent := filepath.Dir(filepath.Clean(dst))
		if err := r.ensureDir(parent); err != nil {
			return err
		}
		r.fileMode, r.fileSrc = filepath.Base(filepath.Clean(dst)), first.Path
		return r.openRoot(parent)
	}
	if statErr == nil && !isDir {
		return fmt.Errorf("%s: %w", dst, ErrNotDir)
	}
	if statErr != nil {
		r.rootCreated = true
	}
	if err := r.ensureDir(dst); err != nil {
		return err
	}
	return r.openRoot(dst)
}

// ensureDir creates dir when missing: its parent must exist unless MkPath.
func (r *receiver) ensureDir(dir string) error {
	if _, err := r.opBase.stat(dir); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if r.cfg.DryRun {
		return nil
	}
	if err := r.opBase.mkdir(dir, r.cfg.MkPath); err != nil {
		return &DestError{Op: "mkdir", Path: dir, Err: unwrapPathError(err)} // correctness hook (receiver_destroot.go)
	}
	return nil
}

func (r *receiver) openRoot(dir string) error {
	root, err := r.opBase.openDest(dir)
	if err != nil {
		if r.cfg.DryRun && errors.Is(err, fs.ErrNotExist) {
			return nil // everything is new
		}
		return fmt.Errorf("destination: %w", err)
	}
	r.root = root
	return nil
}

// dstName maps a transfer path to the destination-root-relative name.
func (r *receiver) dstName(p string) string {
	if r.fileMode != "" && p == r.fileSrc {
		return r.fileMode
	}
	return p
}
