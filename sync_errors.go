package ferry

import "github.com/ferrysync/ferry/internal/session"

// ErrDestination: the destination directory could not be created or
// opened, so nothing was transferred (rsync's "error in file IO").
var ErrDestination = session.ErrDestination

// ErrNotDir: the destination must be a directory (the source is one, or
// there are several) but is not, or its path goes through something that
// is not a directory; nothing was transferred (rsync's code 3).
var ErrNotDir = session.ErrNotDir
