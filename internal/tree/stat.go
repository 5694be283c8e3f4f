package tree

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrChanged reports a file that changed type or identity while ferry was
// looking at it.
var ErrChanged = errors.New("ferry: file changed during the walk")

// LstatEntry describes the single entry at path (a slash-separated path
// inside root, "." for the root itself) without following a final symlink;
// earlier components may be symlinks that stay inside root. The returned
// Entry has Path set to path and user and group names filled in; Checksum is
// not computed (see ChecksumFile). A missing entry gives an error for which
// errors.Is(err, fs.ErrNotExist) holds.
func LstatEntry(root *os.Root, path string) (*Entry, error) {
	if err := ValidPath(path); err != nil {
		return nil, fmt.Errorf("lstat: %w", err)
	}
	var e *Entry
	if path == "." {
		fd, err := openRootDir(root, ".")
		if err != nil {
			return nil, fmt.Errorf("lstat .: %w", err)
		}
		defer unix.Close(fd)
		if e, err = statFD(fd, path); err != nil {
			return nil, err
		}
	} else {
		dirfd, err := openRootDir(root, parentDir(path))
		if err != nil {
			return nil, fmt.Errorf("lstat %s: %w", path, err)
		}
		defer unix.Close(dirfd)
		if e, err = statAt(dirfd, baseName(path), path); err != nil {
			return nil, err
		}
	}
	e.User = idNames.user(e.UID)
	e.Group = idNames.group(e.GID)
	return e, nil
}

// LstatAt is LstatEntry for the entry name inside the open directory
// dirfd (a final symlink is not followed), whose transfer path is path.
func LstatAt(dirfd int, name, path string) (*Entry, error) {
	e, err := statAt(dirfd, name, path)
	if err != nil {
		return nil, err
	}
	e.User = idNames.user(e.UID)
	e.Group = idNames.group(e.GID)
	return e, nil
}

// parentDir returns the directory part of a valid entry path, "." for a
// top-level name.
func parentDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}

// baseName returns the last component of a valid entry path.
func baseName(p string) string {
	return p[strings.LastIndexByte(p, '/')+1:]
}
