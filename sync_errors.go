package ferry

import "github.com/ferrysync/ferry/internal/session"

// ErrDestination: the destination directory could not be created or
// opened, so nothing was transferred (rsync's "error in file IO").
var ErrDestination = session.ErrDestination
