//go:build !linux

package fsys

import "os"

// openTrusted opens dir without the ownership walk on systems other than
// Linux (no O_PATH).
func openTrusted(dir string) (*Root, error) { return Open(dir) }

func mkdirTrusted(dir string, all bool, perm uint32) error {
	if all {
		return os.MkdirAll(dir, os.FileMode(perm))
	}
	return os.Mkdir(dir, os.FileMode(perm))
}

func openFileTrusted(name string) (*os.File, error) { return os.Open(name) }

func appendFileTrusted(name string, perm uint32) (*os.File, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, os.FileMode(perm))
}
