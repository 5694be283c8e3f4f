package receiver

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/tree"
)

// Backup hook (rsync's -b, --backup-dir, --suffix). Before the receiver
// replaces or deletes a non-directory, it gives it its backup name: the
// name plus the suffix beside it, or the name (plus the suffix) under the
// backup directory. A file about to be replaced by a rename is hard-linked
// to its backup name, so its own name never goes missing; a deleted one is
// renamed. When the backup cannot be made, the entry is left alone and the
// failure reported: nothing is lost.
//
// A backup directory inside the destination is reached through the
// destination's Root; one outside it (absolute, or relative with a leading
// "..") is opened as a second Root, so backups are confined there just as
// writes are to the destination. It must be on the destination's
// filesystem (renames and links do not cross filesystems).

// backups says where backups go.
type backups struct {
	dir    string // the backup directory inside the destination ("" beside each file, or outside)
	suffix string

	// outside is the OS path of a backup directory outside the
	// destination, created and opened at the first backup (rsync too
	// creates it only when something is backed up).
	outside string
	// mu guards the fields that follow.
	mu      sync.Mutex
	own     *fsys.Root // the outside directory, once open
	openErr error
}

// openBackups prepares the backups of a run whose destination directory is
// dir (the operand path of r.root); r.bak stays nil without them.
func (r *Engine) openBackups(dir string) error {
	if !r.Cfg.Backup {
		return nil
	}
	b := &backups{suffix: r.Cfg.Suffix}
	bd := r.Cfg.BackupDir
	if bd != "" {
		clean := filepath.ToSlash(filepath.Clean(bd))
		switch {
		case !filepath.IsAbs(bd) && clean != ".." && !strings.HasPrefix(clean, "../"):
			if clean != "." {
				b.dir = clean
			}
		case filepath.IsAbs(bd):
			b.outside = bd
		default:
			b.outside = filepath.Join(dir, bd)
		}
	}
	if b.dir == "" && b.suffix == "" && b.outside == "" {
		return errors.New("backups would replace the files they save: the backup dir is the destination and the suffix is empty")
	}
	r.bak = b
	return nil
}

// backupRoot returns the Root backup names live in: the destination's, or the
// outside directory's, created and opened on first use (through the
// operand base: inside a daemon module, it stays in the module).
func (r *Engine) backupRoot() (*fsys.Root, error) {
	b := r.bak
	if b.outside == "" {
		return r.root, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.own == nil && b.openErr == nil {
		if err := r.OpBase.Mkdir(b.outside, true); err != nil && !errors.Is(err, fs.ErrExist) {
			b.openErr = &DestError{Op: "mkdir", Path: b.outside, Err: unwrapPathError(err)}
		} else if b.own, err = r.OpBase.OpenDest(b.outside); err != nil {
			b.openErr = fmt.Errorf("backup dir: %w", err)
		}
	}
	return b.own, b.openErr
}

// closeBackups releases a backup directory's own Root.
func (r *Engine) closeBackups() {
	if r.bak == nil {
		return
	}
	r.bak.mu.Lock()
	defer r.bak.mu.Unlock()
	if r.bak.own != nil {
		r.bak.own.Close()
		r.bak.own = nil
	}
}

// backupName is the name, inside the backup root, of the backup of name.
func (r *Engine) backupName(name string) string {
	if r.bak.dir != "" {
		return r.bak.dir + "/" + name + r.bak.suffix
	}
	return name + r.bak.suffix
}

// backup makes the backup of the destination entry name (transfer path
// p): a hard link when keep (the entry is about to be replaced), else a
// rename (it is being deleted). dir, if known, is the source directory of
// the entry (its mode and its parents' go to the backup's directories).
// Without backups it does nothing. On failure it reports the error, and
// the caller must leave the entry alone.
func (r *Engine) backup(p, name string, keep bool, dir *dirNode) bool {
	if r.bak == nil || r.Cfg.DryRun {
		return true
	}
	return r.backupWith(p, name, dir, func(root *fsys.Root, bname string) error {
		return r.root.Backup(name, root, bname, keep)
	})
}

// backupWith makes the backup of name with do, creating the backup's
// directories when do finds them missing, and reports a failure.
func (r *Engine) backupWith(p, name string, dir *dirNode, do func(root *fsys.Root, bname string) error) bool {
	root, err := r.backupRoot()
	if err == nil {
		bname := r.backupName(name)
		err = do(root, bname)
		if errors.Is(err, fs.ErrNotExist) {
			if err = r.makeBackupDirs(root, path.Dir(name), dir); err == nil {
				err = do(root, bname)
			}
		}
	}
	if err != nil {
		r.fail("backup", p, err)
		return false
	}
	return true
}

// backupCopy makes the backup of the regular file name (transfer path p,
// its entry ex) as a copy, for a file about to be written in place
// (--inplace): a link would share the data being overwritten. The copy
// keeps ex's permissions, owner and times. On failure it reports the
// error, and the caller must leave the file alone.
func (r *Engine) backupCopy(p, name string, ex *tree.Entry, dir *dirNode) bool {
	if r.bak == nil || r.Cfg.DryRun {
		return true
	}
	return r.backupWith(p, name, dir, func(root *fsys.Root, bname string) error {
		return r.copyTo(root, name, bname, ex)
	})
}

// copyTo copies the destination file name to bname in root.
func (r *Engine) copyTo(root *fsys.Root, name, bname string, ex *tree.Entry) error {
	f, err := r.root.OpenRead(name)
	if err != nil {
		return err
	}
	defer f.Close()
	t, err := root.CreateTempPerm(bname, ex.Mode)
	if err != nil {
		return err
	}
	if _, err := t.CopyFrom(int(f.Fd()), ex.Size); err != nil {
		t.Abort()
		return err
	}
	m := fsys.Meta{Mode: ex.Mode, UID: ex.UID, GID: ex.GID, MTime: ex.MTime}
	return t.Commit(m, fsys.Preserve{Perms: true, Owner: role.IsRoot, Group: true, Times: true})
}

// makeBackupDirs creates the directories of the backup of destination
// directory dir, each with the permissions of its destination counterpart
// (as rsync does: the source's, when the stream has them in node and its
// parents, else the destination's as it is), those of the backup directory
// itself as mkdir gives.
func (r *Engine) makeBackupDirs(root *fsys.Root, dir string, node *dirNode) error {
	var made string
	if r.bak.dir != "" {
		if err := root.MkdirAll(r.bak.dir, 0o777); err != nil {
			return err
		}
		made = r.bak.dir
	}
	if dir == "." {
		return nil
	}
	for c := range strings.SplitSeq(dir, "/") {
		d := path.Join(made, c)
		src := strings.TrimPrefix(strings.TrimPrefix(d, r.bak.dir), "/")
		made = d
		perm := r.dirPerm(src, node)
		err := root.Mkdir(d, perm|0o700)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return err
		}
		if perm != 0o777 {
			if err := root.SetMeta(d, fsys.Meta{Mode: perm}, fsys.Preserve{Perms: true}); err != nil {
				return err
			}
		}
	}
	return nil
}

// dirPerm is the mode the destination directory dir has, or will have
// once the stream leaves it (0777: unknown).
func (r *Engine) dirPerm(dir string, node *dirNode) uint32 {
	for n := node; n != nil && r.Cfg.Perms; n = n.parent {
		if n.path == dir {
			return n.s.Mode & 0o7777
		}
	}
	if fi, err := r.root.Lstat(dir); err == nil && fi.IsDir() {
		return uint32(fi.Mode().Perm())
	}
	return 0o777
}

// protectedBackup reports whether the extraneous destination entry p is a
// backup that --delete must keep: rsync adds the rule "P *SUFFIX" after
// the user's filters when backups go beside the files.
func (r *Engine) protectedBackup(p string) bool {
	return r.bak != nil && r.Cfg.BackupDir == "" && !r.Cfg.DeleteExcluded &&
		strings.HasSuffix(path.Base(p), r.bak.suffix)
}

// omitDirTimes reports whether directory times are left alone: rsync
// forces --omit-dir-times when backups go beside the files.
func (r *Engine) omitDirTimes() bool {
	return r.Cfg.Backup && r.Cfg.BackupDir == ""
}
