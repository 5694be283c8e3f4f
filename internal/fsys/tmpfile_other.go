//go:build unix && !linux

package fsys

import "golang.org/x/sys/unix"

// openAnon is unavailable: CreateNew falls back to a named temp file.
func openAnon(dirfd int, perm uint32) (int, error) { return -1, unix.EOPNOTSUPP }

func linkAnon(fd, dirfd int, base string, root bool) error { return unix.EOPNOTSUPP }
