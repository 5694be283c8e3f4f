package fsys

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrUntrustedSymlink reports a symlink on the way to a destination that is
// owned by neither root nor the process's user, which OpenTrusted does not
// follow: whoever owns it could point it anywhere, between two runs or
// during one (rsync 3.5.0 refuses the same, CVE-2026-53796).
var ErrUntrustedSymlink = errors.New("symlink owned by neither root nor this user, not followed (name the directory it points to if you trust it)")

// OpenTrusted opens dir, which must exist and be a directory, as a Root,
// following a symlink on the way (an operator's /backup -> /mnt/disk) only
// when it is owned by root or by the process's effective user. The path is
// walked one component at a time through descriptors, so a component
// swapped for a symlink while it is walked is seen; the Root is then the
// directory that walk reached. Symlinks on procfs (/proc/self/fd/N, and
// so /dev/stdin or a shell's <(cmd)) are followed by the kernel to the
// object they stand for. On systems other than Linux there is no walk: it
// is Open.
func OpenTrusted(dir string) (*Root, error) {
	r, err := openTrusted(dir)
	if err != nil {
		return nil, fmt.Errorf("open root %s: %w", dir, err)
	}
	return r, nil
}

// MkdirTrusted creates directory dir (mode perm less the umask), and with
// all its missing parents, as os.Mkdir and os.MkdirAll do, but reaching it
// as OpenTrusted does: a
// symlink on the way owned by another user is not followed, so nothing is
// made where such a link points. os.MkdirAll's result for a dir that
// exists (nil) is kept; without all, an existing dir is fs.ErrExist.
func MkdirTrusted(dir string, all bool, perm os.FileMode) error {
	err := mkdirTrusted(dir, all, uint32(perm.Perm()))
	if all && errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return &os.PathError{Op: "mkdir", Path: dir, Err: err}
	}
	return nil
}

// OpenFileTrusted opens name for reading as os.Open does, following a
// symlink on the way, or name itself when it is one, only when root or the
// process's user owns it. It is for the files an operator names (a
// --files-from or --exclude-from list, a merge file, a password or secrets
// file, a daemon's configuration): a link another user planted there
// could make ferry read any file as rules or as a password (rsync 3.5.0
// refuses the same, CVE-2026-53802).
func OpenFileTrusted(name string) (*os.File, error) {
	f, err := openFileTrusted(name)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: name, Err: err}
	}
	return f, nil
}

// ReadFileTrusted is os.ReadFile through OpenFileTrusted.
func ReadFileTrusted(name string) ([]byte, error) {
	f, err := OpenFileTrusted(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// AppendFileTrusted opens name for appending, creating it with perm when
// it is missing, reaching it as OpenFileTrusted does (a --log-file).
func AppendFileTrusted(name string, perm os.FileMode) (*os.File, error) {
	f, err := appendFileTrusted(name, uint32(perm.Perm()))
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: name, Err: err}
	}
	return f, nil
}
