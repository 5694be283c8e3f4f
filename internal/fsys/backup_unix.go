//go:build unix

package fsys

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// ErrBackupDir is returned by Backup for a directory: only files, symlinks
// and special files are backed up (rsync backs up a directory's contents).
var ErrBackupDir = errors.New("ferry: a directory is not backed up")

// Backup gives the non-directory name of r the name bname in dst (r itself,
// or a second Root for a backup directory outside the destination),
// replacing an existing non-directory there atomically. With keep, name
// stays where it is and bname becomes a hard link to it (a file about to be
// replaced by a rename keeps its name until then); without, it is renamed
// (a deletion). Both names are confined to their roots; bname's directory
// must exist (the error then matches fs.ErrNotExist) and both roots must be
// on one filesystem (unix.EXDEV otherwise).
func (r *Root) Backup(name string, dst *Root, bname string, keep bool) error {
	if err := checkName(name, false); err != nil {
		return fmt.Errorf("backup %s: %w", name, err)
	}
	if err := checkName(bname, false); err != nil {
		return fmt.Errorf("backup %s to %s: %w", name, bname, err)
	}
	sp, err := r.openParent(name)
	if err != nil {
		return fmt.Errorf("backup %s: %w", name, err)
	}
	defer sp.close()
	var st unix.Stat_t
	if err := unix.Fstatat(sp.fd, sp.base, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("backup %s: %w", name, err)
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return fmt.Errorf("backup %s: %w", name, ErrBackupDir)
	}
	dp, err := dst.openParent(bname)
	if err != nil {
		return fmt.Errorf("backup %s to %s: %w", name, bname, err)
	}
	defer dp.close()
	if keep {
		err = linkOver(sp, dp, &st)
		if err == nil {
			return nil
		}
		if !errors.Is(err, unix.EPERM) && !errors.Is(err, unix.EMLINK) {
			return fmt.Errorf("backup %s to %s: %w", name, bname, err)
		}
		// No hard links here: rename it away instead.
	}
	if err := unix.Renameat(sp.fd, sp.base, dp.fd, dp.base); err != nil {
		return fmt.Errorf("backup %s to %s: %w", name, bname, err)
	}
	return nil
}

// linkOver makes dp's name a hard link to sp's entry (whose stat is st),
// through a temp name renamed over it.
func linkOver(sp, dp parent, st *unix.Stat_t) error {
	var bst unix.Stat_t
	if unix.Fstatat(dp.fd, dp.base, &bst, unix.AT_SYMLINK_NOFOLLOW) == nil && bst.Dev == st.Dev && bst.Ino == st.Ino {
		return nil // already the backup (rename would do nothing and keep the temp)
	}
	var err error
	for range maxTempTries {
		tmp := tempName(dp.base)
		err = unix.Linkat(sp.fd, sp.base, dp.fd, tmp, 0)
		if errors.Is(err, unix.EEXIST) {
			continue
		}
		if err != nil {
			return err
		}
		if err = unix.Renameat(dp.fd, tmp, dp.fd, dp.base); err != nil {
			unix.Unlinkat(dp.fd, tmp, 0)
		}
		return err
	}
	return err
}
