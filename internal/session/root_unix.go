package session

import "os"

var isRoot = os.Geteuid() == 0
