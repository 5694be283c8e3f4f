//go:build !linux

package session

import (
	"fmt"
	"os"
)

// fdPath names the open directory d by its descriptor: opening it reaches
// d itself, whatever happened to its path since.
func fdPath(d *os.File) string { return fmt.Sprintf("/dev/fd/%d", d.Fd()) }
