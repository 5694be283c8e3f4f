package receiver

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/tree"

	"github.com/ferrysync/ferry/internal/fsys"
)

// openDest opens the destination for pass 0, given the first stream item
// and whether it is the only entry. A single non-directory entry goes to
// the destination path itself unless that is a directory or ends in "/"
// (rsync's "cp" rule); otherwise the destination is a directory, created
// when missing (with its parents under MkPath).
func (r *Engine) openDest(first *tree.Entry, only bool) error {
	if r.root != nil {
		return nil
	}
	err := r.openDestAt(first, only)
	if err != nil && !errors.Is(err, role.ErrNotDir) && errors.Is(err, syscall.ENOTDIR) {
		return &role.NotDirError{Msg: fmt.Sprintf("cannot use destination %s: a component of its path is not a directory", r.dst)}
	}
	return err
}

func (r *Engine) openDestAt(first *tree.Entry, only bool) error {
	dst := r.dst
	slash := strings.HasSuffix(dst, "/")
	fi, statErr := r.OpBase.Stat(dst)
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
		return &role.NotDirError{Msg: fmt.Sprintf("destination must be a directory when copying a directory or more than one file, and %s is not one", dst)}
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
func (r *Engine) ensureDir(dir string) error {
	if _, err := r.OpBase.Stat(dir); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if r.Cfg.DryRun {
		return nil
	}
	// Another process may create it meanwhile (cooperating runs start at
	// once): that is no error; openRoot then finds what is there.
	if err := r.OpBase.Mkdir(dir, r.Cfg.MkPath); err != nil && !errors.Is(err, fs.ErrExist) {
		return &DestError{Op: "mkdir", Path: dir, Err: unwrapPathError(err)} // correctness hook (receiver_destroot.go)
	}
	return nil
}

func (r *Engine) openRoot(dir string) error {
	r.openBases(dir) // basis hook (basis.go)
	root, err := r.OpBase.OpenDest(dir)
	if err != nil {
		if fi, serr := r.OpBase.Stat(dir); serr == nil && !fi.IsDir() {
			return &role.NotDirError{Msg: fmt.Sprintf("cannot use destination %s: %s is not a directory", r.dst, dir)}
		}
		if r.Cfg.DryRun && errors.Is(err, fs.ErrNotExist) {
			return nil // everything is new
		}
		return fmt.Errorf("destination: %w", err)
	}
	r.root = root
	if err := r.openTempDir(dir); err != nil { // temp directory hook (tempdir.go)
		return err
	}
	return r.openBackups(dir) // backup hook (backup.go)
}

// dstName maps a transfer path to the destination-root-relative name.
func (r *Engine) dstName(p string) string {
	if r.fileMode != "" && p == r.fileSrc {
		return r.fileMode
	}
	return p
}

// lstat describes the destination entry name, or nil when missing.
func (r *Engine) lstat(name string) *tree.Entry {
	if r.root == nil {
		return nil
	}
	e, err := tree.LstatEntry(r.root.OSRoot(), name)
	if err != nil {
		return nil
	}
	return e
}

// startDestWalks opens the destination walks of the pass.
func (m *merger) startDestWalks() {
	r := m.r
	if r.root == nil || r.fileMode != "" {
		return
	}
	if m.paths == nil && !r.rootCreated {
		m.prefetch = tree.StartPrefetch(m.ctx, r.root.OSRoot(), ".", tree.PrefetchOptions{Recursive: true, OneFileSystem: r.Cfg.OneFileSystem, Filter: r.destFilter})
	}
	// With OneFileSystem the walk does not enter other filesystems mounted
	// in the destination, so nothing there is deleted (rsync -x).
	opts := tree.WalkOptions{Recursive: true, OneFileSystem: r.Cfg.OneFileSystem, Filter: r.destFilter, MergeFrom: ".", ShowProtected: true, OnError: r.destError, Xattrs: r.Cfg.XattrSet()}
	if m.prefetch != nil {
		opts.Dirs = m.prefetch
	}
	if m.paths == nil && !r.Cfg.OneFileSystem {
		// Walked in parallel by top-level directory (parwalk.go);
		// not with OneFileSystem, whose device check is the walk's start.
		m.dest = append(m.dest, tree.NewParWalker(r.root.OSRoot(), opts))
	} else if m.paths == nil {
		o := opts
		o.Start, o.Prefix = ".", ""
		m.dest = append(m.dest, tree.NewWalker(r.root.OSRoot(), o))
	} else {
		for _, p := range m.paths {
			o := opts
			o.Start, o.Prefix = p, p
			m.dest = append(m.dest, tree.NewWalker(r.root.OSRoot(), o))
		}
	}
	m.advanceDest()
}

func (m *merger) destWalker() tree.EntryWalker { return m.dest[0] }

// advanceDest moves the destination lookahead, going on to the next walk
// when one ends (or cannot start).
func (m *merger) advanceDest() error {
	for len(m.dest) > 0 {
		e, err := m.dest[0].Next()
		if err == nil {
			// A temp file is never an entry (the sender never sends
			// one): a stale one, of a killed run, is removed, with or
			// without --delete; a live writer's is left alone (stale.go).
			if fsys.IsTempName(e.Name()) && e.Type != tree.TypeDir {
				m.r.dropStaleTemp(e.Path)
				continue
			}
			if fsys.IsClaimName(e.Name()) && e.Type != tree.TypeDir {
				m.r.dropStaleClaim(e.Path) // coop.go
				continue
			}
			if fsys.IsTempName(e.Name()) && (!m.r.Cfg.Delete || m.r.Cfg.KeepDirLinks) { // correctness hook
				continue
			}
			if e.Type == tree.TypeDir && m.r.isPartialDir(e.Path) {
				m.dest[0].SkipDir()
				m.sawPartialDir(e)
				continue
			}
			m.d = e
			return nil
		}
		m.dest[0].Close()
		m.dest = m.dest[1:]
		if !errors.Is(err, io.EOF) && m.paths == nil {
			m.d, m.destCut = nil, true
			return nil
		}
	}
	m.d = nil
	return nil
}

// destError reports a destination directory the receiver's walk could not
// read: nothing in it can be compared or deleted, and the run is partial
// (rsync's receiver says "opendir failed" too). An entry removed between
// readdir and lstat is not an error: it is gone, as the walk says.
func (r *Engine) destError(path string, err error) {
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	r.fail("read destination", path, err)
}
