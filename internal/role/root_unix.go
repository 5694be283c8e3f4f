package role

import "os"

var IsRoot = os.Geteuid() == 0
