//go:build !linux

package watch

import "io/fs"

// fileID is unknown here: the poll backend sees no renames, only names
// made and removed.
func fileID(fs.FileInfo) (dev, ino uint64, ctime int64, nlink uint64, ok bool) {
	return 0, 0, 0, 0, false
}
