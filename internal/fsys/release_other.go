//go:build unix && !linux

package fsys

// releaseAsync is unavailable: the last close frees the file at once.
func releaseAsync(fd int) bool { return false }
