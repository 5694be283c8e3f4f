package role

import "os"

// IsRoot says this process runs as root: it may set owners, devices and
// trusted xattrs.
var IsRoot = os.Geteuid() == 0
