//go:build unix

package fsys

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// replace creates an entry under a fresh temp name in name's directory with
// create, then renames it over name, so an existing file, symlink or
// special file is replaced atomically. A directory at name makes it fail;
// the caller removes it first.
func (r *Root) replace(op, name string, create func(dirfd int, tmp string) error) error {
	if err := checkName(name, false); err != nil {
		return fmt.Errorf("%s %s: %w", op, name, err)
	}
	p, err := r.openParent(name)
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, name, err)
	}
	defer p.close()
	for range maxTempTries {
		tmp := tempName(p.base)
		err = create(p.fd, tmp)
		if errors.Is(err, unix.EEXIST) {
			continue
		}
		if err != nil {
			break
		}
		if err = unix.Renameat(p.fd, tmp, p.fd, p.base); err != nil {
			unix.Unlinkat(p.fd, tmp, 0)
		}
		break
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, name, err)
	}
	return nil
}

// Symlink makes name a symlink to target, replacing an existing
// non-directory atomically. The target is stored as given, absolute or
// relative, and is never followed by fsys; only NUL bytes are refused. Set
// the link's owner and times afterwards with SetMeta.
func (r *Root) Symlink(target, name string) error {
	if target == "" || strings.IndexByte(target, 0) >= 0 {
		return fmt.Errorf("symlink %s: %w: target %q", name, ErrUnsafePath, target)
	}
	return r.replace("symlink", name, func(dirfd int, tmp string) error {
		return unix.Symlinkat(target, dirfd, tmp)
	})
}

// Link makes newname a hard link to the existing entry oldname (a final
// symlink at oldname is linked itself, not followed), replacing an existing
// non-directory at newname atomically. If newname is already a link to the
// same inode, nothing changes.
func (r *Root) Link(oldname, newname string) error { return r.LinkFrom(r, oldname, newname) }

// LinkFrom is Link with oldname inside src, another Root (a --link-dest
// directory) or r itself. src is only read: oldname's parent is opened in
// it, confined to it like every name of r, and linked from.
func (r *Root) LinkFrom(src *Root, oldname, newname string) error {
	if err := checkName(oldname, false); err != nil {
		return fmt.Errorf("link %s: %w", newname, err)
	}
	if err := checkName(newname, false); err != nil {
		return fmt.Errorf("link %s: %w", newname, err)
	}
	op, err := src.openParent(oldname)
	if err != nil {
		return fmt.Errorf("link %s to %s: %w", newname, oldname, err)
	}
	defer op.close()
	var ost unix.Stat_t
	if err := unix.Fstatat(op.fd, op.base, &ost, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("link %s to %s: %w", newname, oldname, err)
	}
	if ost.Mode&unix.S_IFMT == unix.S_IFDIR {
		return fmt.Errorf("link %s to %s: %w", newname, oldname, unix.EPERM)
	}
	// Nothing at newname (a new snapshot): link it there at once.
	np, err := r.openParent(newname)
	if err != nil {
		return fmt.Errorf("link %s to %s: %w", newname, oldname, err)
	}
	err = unix.Linkat(op.fd, op.base, np.fd, np.base, 0)
	np.close()
	if err == nil {
		return nil
	}
	if !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("link %s to %s: %w", newname, oldname, err)
	}
	same := false
	err = r.replace("link", newname, func(dirfd int, tmp string) error {
		// rename(2) does nothing when both names are links to the same
		// inode, which would leave the temp behind: check first.
		var nst unix.Stat_t
		if unix.Fstatat(dirfd, baseOf(newname), &nst, unix.AT_SYMLINK_NOFOLLOW) == nil &&
			nst.Dev == ost.Dev && nst.Ino == ost.Ino {
			same = true
			return errSame
		}
		return unix.Linkat(op.fd, op.base, dirfd, tmp, 0)
	})
	if same {
		return nil
	}
	return err
}

// errSame stops replace when the destination is already the right link.
var errSame = errors.New("same inode")

// InParent calls fn with name's parent directory, open (confined to r as
// every name is), and name's final component: for *at calls of a caller
// that reads (a basis directory's entries), with the parent directories
// of recent names kept open.
func (r *Root) InParent(name string, fn func(dirfd int, base string) error) error {
	if err := checkName(name, false); err != nil {
		return err
	}
	p, err := r.openParent(name)
	if err != nil {
		return err
	}
	defer p.close()
	return fn(p.fd, p.base)
}

// baseOf returns the final component of a validated name.
func baseOf(name string) string {
	_, b := split(name)
	return b
}

// Mknod creates the special file name of kind typ with permissions perm
// (07777, minus the umask; set them exactly with SetMeta), replacing an
// existing non-directory atomically. rdev is the device number for NodeChar
// and NodeBlock (unix.Mkdev). Devices need root (EPERM otherwise); FIFOs and
// socket files do not.
func (r *Root) Mknod(name string, typ NodeType, perm uint32, rdev uint64) error {
	var ifmt uint32
	switch typ {
	case NodeChar:
		ifmt = unix.S_IFCHR
	case NodeBlock:
		ifmt = unix.S_IFBLK
	case NodeFIFO:
		ifmt = unix.S_IFIFO
		rdev = 0
	case NodeSocket:
		ifmt = unix.S_IFSOCK
		rdev = 0
	default:
		return fmt.Errorf("mknod %s: unknown node type %d", name, typ)
	}
	return r.replace("mknod", name, func(dirfd int, tmp string) error {
		return mknodat(dirfd, tmp, ifmt|perm&0o7777, rdev)
	})
}
