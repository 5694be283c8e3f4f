package tree

import (
	"os"
	"slices"

	"golang.org/x/sys/unix"
)

// readNames reads all names of the open directory fd (without "." and
// "..") with getdents and returns them sorted byte-wise. On an error it
// returns the names read so far, sorted, with the error.
func readNames(fd int, path string, buf []byte) ([]string, error) {
	var names []string
	var err error
	for {
		var n int
		err = ignoringEINTR(func() error {
			var err error
			n, err = unix.Getdents(fd, buf)
			return err
		})
		if err != nil {
			err = &os.PathError{Op: "readdir", Path: path, Err: err}
			break
		}
		if n <= 0 {
			break
		}
		_, _, names = unix.ParseDirent(buf[:n], -1, names)
	}
	slices.Sort(names)
	return names, err
}
