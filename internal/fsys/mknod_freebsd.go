package fsys

import "golang.org/x/sys/unix"

// mknodat creates a special file.
func mknodat(dirfd int, name string, mode uint32, rdev uint64) error {
	return unix.Mknodat(dirfd, name, mode, rdev)
}
