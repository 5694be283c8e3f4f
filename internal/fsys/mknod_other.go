//go:build unix && !linux && !freebsd

package fsys

import "golang.org/x/sys/unix"

// mknodat: special files are supported only on Linux and FreeBSD.
func mknodat(dirfd int, name string, mode uint32, rdev uint64) error {
	return unix.ENOTSUP
}
