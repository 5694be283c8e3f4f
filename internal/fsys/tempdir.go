package fsys

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// Temp directory (rsync's -T). With SetTempDir, CreateTemp makes its temp
// files in another directory, a Root of its own, and Commit renames them
// from there over their names. That directory may be on another
// filesystem, where rename(2) fails with EXDEV: Commit then copies the
// complete temp file to a temp file beside the name, applies the metadata
// again, and renames that one, so the name still changes atomically from
// the old file to the complete new one. CreateNew makes no unnamed file
// (O_TMPFILE) then: the data is to be in the temp directory.

// SetTempDir makes CreateTemp, CreateTempPerm and CreateNew create their
// temp files at the top of td instead of the directory of their names; nil
// restores the default. td stays owned by the caller, who closes it after
// the last Temp of r is finished. Call it before creating any Temp.
func (r *Root) SetTempDir(td *Root) { r.tempDir = td }

// tmpfd is the directory holding the temp file t.tmp.
func (t *Temp) tmpfd() int {
	switch {
	case t.tdir != nil:
		return t.tdir.fd
	case t.inHold:
		return t.hp.fd
	}
	return t.p.fd
}

// release releases the directories the Temp holds open.
func (t *Temp) release() {
	t.p.close()
	if t.inHold {
		t.hp.close()
	}
}

// reapply returns what place does to a copy made across filesystems: the
// metadata Commit applied to the temp file, applied to the copy.
func (t *Temp) reapply(mode uint32, m Meta, p Preserve) func(fd int) error {
	return func(fd int) error {
		if err := t.r.applyFd(fd, mode, m, p); err != nil {
			return err
		}
		if p.Fsync {
			return unix.Fsync(fd)
		}
		return nil
	}
}

// place renames the temp file to base in dirfd. When they are on
// different filesystems (EXDEV, only with a temp directory), it copies the
// file to a new temp file in dirfd, calls apply (if not nil) on the copy,
// renames the copy to base and removes the original temp file; a failure
// leaves base as it was.
func (t *Temp) place(dirfd int, base string, apply func(fd int) error) error {
	err := unix.Renameat(t.tmpfd(), t.tmp, dirfd, base)
	if !errors.Is(err, unix.EXDEV) {
		return err
	}
	if err := t.copyAcross(dirfd, base, apply); err != nil {
		return err
	}
	unix.Unlinkat(t.tmpfd(), t.tmp, 0)
	return nil
}

// copyAcross copies the temp file to a new temp file beside base in dirfd
// and renames that over base.
func (t *Temp) copyAcross(dirfd int, base string, apply func(fd int) error) error {
	sfd, err := unix.Openat(t.tmpfd(), t.tmp, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("copy across filesystems: %w", err)
	}
	src := os.NewFile(uintptr(sfd), t.tmp)
	defer src.Close()
	var fd int
	var tmp string
	for range maxTempTries {
		tmp = tempName(base)
		fd, err = unix.Openat(dirfd, tmp, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
		if !errors.Is(err, unix.EEXIST) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("copy across filesystems: %w", err)
	}
	lockTemp(fd) // a live writer's (stale.go)
	dst := os.NewFile(uintptr(fd), tmp)
	_, err = io.Copy(dst, src) // copy_file_range or splice where the kernel can
	if err == nil && apply != nil {
		err = apply(fd)
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = unix.Renameat(dirfd, tmp, dirfd, base)
	}
	if err != nil {
		unix.Unlinkat(dirfd, tmp, 0)
		return fmt.Errorf("copy across filesystems: %w", err)
	}
	return nil
}
