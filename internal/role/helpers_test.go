package role

import "github.com/ferrysync/ferry/internal/testfs"

// randomBytes is testfs.RandomBytes.
var randomBytes = testfs.RandomBytes
