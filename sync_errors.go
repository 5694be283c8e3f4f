package ferry

import "github.com/ferrysync/ferry/internal/session"

// ErrDestination: the destination directory could not be created or
// opened, so nothing was transferred (rsync's "error in file IO").
var ErrDestination = session.ErrDestination

// ErrNotDir: the destination must be a directory (the source is one, or
// there are several) but is not, or its path goes through something that
// is not a directory; nothing was transferred (rsync's code 3).
var ErrNotDir = session.ErrNotDir

// ErrUsage: the receiving side cannot carry out an option as given (a
// --temp-dir that does not exist, a run the server refuses); rsync's
// syntax or usage error, code 1.
var ErrUsage = session.ErrUsage
