//go:build unix

package fsys

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// owner returns the uid and gid arguments for fchown (-1 means unchanged).
// Only root changes the owner, as in rsync.
func (r *Root) owner(m Meta, p Preserve) (uid, gid int) {
	uid, gid = -1, -1
	if p.Owner && r.euid == 0 {
		uid = int(m.UID)
	}
	if p.Group {
		gid = int(m.GID)
	}
	return uid, gid
}

// chownErr filters a chown error: without root, EPERM (a group the user is
// not a member of) is ignored.
func (r *Root) chownErr(err error) error {
	if err != nil && r.euid != 0 && errors.Is(err, unix.EPERM) {
		return nil
	}
	return err
}

// times returns the utimensat argument for m, or nil when times are not
// preserved.
func times(m Meta, p Preserve) []unix.Timespec {
	if !p.Times {
		return nil
	}
	at := unix.Timespec{Nsec: utimeOmit}
	if m.ATime != 0 {
		at = unix.NsecToTimespec(m.ATime)
	}
	return []unix.Timespec{at, unix.NsecToTimespec(m.MTime)}
}

// applyFd applies owner, mode, extended attributes and times to an open
// file, in that order: chown clears setuid and setgid, so chmod follows it,
// and an ACL sets the group bits of the mode, so it follows chmod. An owner or mode the
// file already has (one fstat tells) is not set again: each change dirties
// the inode, which costs a journal update on most filesystems.
func (r *Root) applyFd(fd int, mode uint32, m Meta, p Preserve) error {
	var st unix.Stat_t
	known := unix.Fstat(fd, &st) == nil
	uid, gid := r.ownerChange(m, p, known, &st)
	chowned := false
	if uid != -1 || gid != -1 {
		if err := r.chownErr(unix.Fchown(fd, uid, gid)); err != nil {
			return fmt.Errorf("chown: %w", err)
		}
		chowned = true
	}
	if !known || chowned || uint32(st.Mode)&0o7777 != mode {
		if err := unix.Fchmod(fd, mode); err != nil {
			return fmt.Errorf("chmod: %w", err)
		}
	}
	if p.Xattrs != 0 && !m.Symlink {
		if err := r.setXattrs(xattrAt(fd, ""), m.Xattrs, p.Xattrs); err != nil {
			return err
		}
	}
	if ts := times(m, p); ts != nil {
		if err := futimens(fd, ts); err != nil {
			return fmt.Errorf("set times: %w", err)
		}
	}
	return nil
}

// ownerChange is r.owner with -1 for an id the entry already has (st,
// when known).
func (r *Root) ownerChange(m Meta, p Preserve, known bool, st *unix.Stat_t) (uid, gid int) {
	uid, gid = r.owner(m, p)
	if known && uid == int(st.Uid) {
		uid = -1
	}
	if known && gid == int(st.Gid) {
		gid = -1
	}
	return uid, gid
}

// SetMeta applies the metadata selected by p to the existing entry name
// (the root itself is "."), never following a final symlink: the owner with
// lchown semantics, the mode unless the entry is a symlink, and the times
// with AT_SYMLINK_NOFOLLOW, so symlink times are set on the link. Use it for
// directories after their contents are written, and for symlinks and
// special files after they are created. Unlike Commit, nothing is changed
// for a part of p that is false.
func (r *Root) SetMeta(name string, m Meta, p Preserve) error {
	if err := checkName(name, true); err != nil {
		return fmt.Errorf("set metadata %s: %w", name, err)
	}
	var pa parent
	if name == "." {
		pa = parent{fd: r.fd, dir: ".", base: "."}
	} else {
		var err error
		if pa, err = r.openParent(name); err != nil {
			return fmt.Errorf("set metadata %s: %w", name, err)
		}
		defer pa.close()
	}
	// What the entry already has (one lstat tells) is not set again: a
	// no-change run then leaves every directory alone, ctime included.
	var st unix.Stat_t
	known := unix.Fstatat(pa.fd, pa.base, &st, unix.AT_SYMLINK_NOFOLLOW) == nil
	uid, gid := r.ownerChange(m, p, known, &st)
	chowned := false
	if uid != -1 || gid != -1 {
		if err := r.chownErr(unix.Fchownat(pa.fd, pa.base, uid, gid, unix.AT_SYMLINK_NOFOLLOW)); err != nil {
			return fmt.Errorf("chown %s: %w", name, err)
		}
		chowned = true
	}
	same := known && !chowned && st.Mode&unix.S_IFMT != unix.S_IFLNK && uint32(st.Mode)&0o7777 == m.Mode&0o7777
	if p.Perms && !m.Symlink && !same {
		if err := lchmodAt(pa.fd, pa.base, m.Mode&0o7777); err != nil {
			return fmt.Errorf("chmod %s: %w", name, err)
		}
	}
	if p.Xattrs != 0 && !m.Symlink && (!known || st.Mode&unix.S_IFMT != unix.S_IFLNK) {
		at := xattrAt(pa.fd, pa.base)
		if name == "." {
			at = xattrAt(pa.fd, "")
		}
		if err := r.setXattrs(at, m.Xattrs, p.Xattrs); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if ts := times(m, p); ts != nil && !(known && m.ATime == 0 && st.Mtim.Sec*1e9+st.Mtim.Nsec == m.MTime) {
		if err := unix.UtimesNanoAt(pa.fd, pa.base, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return fmt.Errorf("set times %s: %w", name, err)
		}
	}
	return nil
}

// SetModeFollow sets the permission bits of the directory name, following
// symlinks on the way inside the root only (os.Root resolves name): a
// symlink leading outside the root gives an error. It is rsync's chmod of
// a directory kept as a symlink with --keep-dirlinks (its owner and times
// go to the link itself, with SetMeta).
func (r *Root) SetModeFollow(name string, mode uint32) error {
	if err := checkName(name, true); err != nil {
		return fmt.Errorf("chmod %s: %w", name, err)
	}
	f, err := r.root.OpenFile(name, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		return fmt.Errorf("chmod %s: %w", name, unwrapPath(err))
	}
	defer f.Close()
	var st unix.Stat_t
	if unix.Fstat(int(f.Fd()), &st) == nil && uint32(st.Mode)&0o7777 == mode&0o7777 {
		return nil
	}
	if err := unix.Fchmod(int(f.Fd()), mode&0o7777); err != nil {
		return fmt.Errorf("chmod %s: %w", name, err)
	}
	return nil
}
