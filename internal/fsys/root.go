package fsys

import (
	"fmt"
	"io/fs"
	"os"
)

// DefaultPartialDir is the directory, inside a file's own directory, where
// KeepPartial keeps the data of an interrupted transfer.
const DefaultPartialDir = ".ferry-partial"

// Root is a destination directory opened as an os.Root. Its methods are safe
// for concurrent use by multiple goroutines, as long as they do not touch the
// same names at the same time.
type Root struct {
	root  *os.Root
	dir   *os.File // the root directory itself, for *at calls on top-level names
	fd    int      // dir's descriptor
	euid  int
	umask uint32
	dirs  dirCache // open parent directories of recent names
	// tempDir, when set (SetTempDir), holds the temp files of CreateTemp.
	tempDir *Root
}

// Open opens dir, which must exist and be a directory, as a Root.
func Open(dir string) (*Root, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open root %s: %w", dir, err)
	}
	d, err := root.Open(".")
	if err != nil {
		root.Close()
		return nil, fmt.Errorf("open root %s: %w", dir, err)
	}
	return &Root{
		root:  root,
		dir:   d,
		fd:    int(d.Fd()),
		euid:  os.Geteuid(),
		umask: processUmask(),
	}, nil
}

// Close releases the Root. Finish every Temp first (Commit, Abort or
// KeepPartial) and start no operation after it; files returned by OpenRead
// and OpenPartial stay usable.
func (r *Root) Close() error {
	r.dirs.clear()
	err1 := r.dir.Close()
	err2 := r.root.Close()
	if err1 != nil {
		return err1
	}
	return err2
}

// OSRoot returns the underlying os.Root, for reading (FS, ReadFile, Open)
// with os.Root's own rules: note that os.Root follows symlinks within the
// root, including in the final component.
func (r *Root) OSRoot() *os.Root { return r.root }

// Name returns the directory name given to Open.
func (r *Root) Name() string { return r.root.Name() }

// Lstat returns the FileInfo of name without following a final symlink.
// The name "." is the root itself.
func (r *Root) Lstat(name string) (fs.FileInfo, error) {
	if err := checkName(name, true); err != nil {
		return nil, fmt.Errorf("lstat %s: %w", name, err)
	}
	fi, err := r.root.Lstat(name)
	if err != nil {
		return nil, fmt.Errorf("lstat %s: %w", name, unwrapPath(err))
	}
	return fi, nil
}

// Readlink returns the target of the symlink name.
func (r *Root) Readlink(name string) (string, error) {
	if err := checkName(name, false); err != nil {
		return "", fmt.Errorf("readlink %s: %w", name, err)
	}
	s, err := r.root.Readlink(name)
	if err != nil {
		return "", fmt.Errorf("readlink %s: %w", name, unwrapPath(err))
	}
	return s, nil
}

// Remove removes the file, symlink, special file or empty directory name.
// A final symlink is removed, never followed.
func (r *Root) Remove(name string) error {
	if err := checkName(name, false); err != nil {
		return fmt.Errorf("remove %s: %w", name, err)
	}
	r.dirs.clear()
	if err := r.root.Remove(name); err != nil {
		return fmt.Errorf("remove %s: %w", name, unwrapPath(err))
	}
	return nil
}

// RemoveAll removes name and, if it is a directory, everything below it. A
// missing name is not an error; a final symlink is removed, never followed.
func (r *Root) RemoveAll(name string) error {
	if err := checkName(name, false); err != nil {
		return fmt.Errorf("remove %s: %w", name, err)
	}
	r.dirs.clear()
	if err := r.root.RemoveAll(name); err != nil {
		return fmt.Errorf("remove %s: %w", name, unwrapPath(err))
	}
	return nil
}

// Rename renames oldname to newname, replacing newname atomically if it
// exists and is not a non-empty directory. Final symlinks are renamed
// themselves, never followed.
func (r *Root) Rename(oldname, newname string) error {
	if err := checkName(oldname, false); err != nil {
		return fmt.Errorf("rename %s: %w", oldname, err)
	}
	if err := checkName(newname, false); err != nil {
		return fmt.Errorf("rename %s: %w", newname, err)
	}
	r.dirs.clear()
	if err := r.root.Rename(oldname, newname); err != nil {
		return fmt.Errorf("rename %s to %s: %w", oldname, newname, unwrapPath(err))
	}
	return nil
}

// Mkdir creates the directory name with permissions perm&0777, minus the
// umask; setuid, setgid and sticky bits are not set here (setgid is
// inherited from the parent as the kernel decides). The receiver usually
// creates directories with perm|0700 so it can fill them, then applies the
// exact mode and times with SetMeta after the contents are written. An
// existing entry gives an error matching fs.ErrExist.
func (r *Root) Mkdir(name string, perm uint32) error {
	if err := checkName(name, false); err != nil {
		return fmt.Errorf("mkdir %s: %w", name, err)
	}
	if err := r.root.Mkdir(name, fs.FileMode(perm&0o777)); err != nil {
		return fmt.Errorf("mkdir %s: %w", name, unwrapPath(err))
	}
	return nil
}

// MkdirAll creates name and any missing parents (for --mkpath) with
// permissions perm&0777 minus the umask. An existing directory is not an
// error.
func (r *Root) MkdirAll(name string, perm uint32) error {
	if name == "." {
		return nil
	}
	if err := checkName(name, false); err != nil {
		return fmt.Errorf("mkdir %s: %w", name, err)
	}
	if err := r.root.MkdirAll(name, fs.FileMode(perm&0o777)); err != nil {
		return fmt.Errorf("mkdir %s: %w", name, unwrapPath(err))
	}
	return nil
}

// unwrapPath strips an *fs.PathError or *os.LinkError so the caller's
// wrapping names the file once.
func unwrapPath(err error) error {
	switch e := err.(type) {
	case *fs.PathError:
		return e.Err
	case *os.LinkError:
		return e.Err
	}
	return err
}
