//go:build linux

package watch

import (
	"io/fs"
	"syscall"
)

// fileID is fi's device and inode numbers, change time and link count.
func fileID(fi fs.FileInfo) (dev, ino uint64, ctime int64, nlink uint64, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, 0, 0, false
	}
	return uint64(st.Dev), uint64(st.Ino), st.Ctim.Nano(), uint64(st.Nlink), true
}
