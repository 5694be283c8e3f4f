package role

import (
	"fmt"
	"os"
)

// fdPath names the open directory d by its descriptor: opening it reaches
// d itself, whatever happened to its path since.
func fdPath(d *os.File) string { return fmt.Sprintf("/proc/self/fd/%d", d.Fd()) }
