package ferry

import (
	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/session"
)

// ErrDestination: the destination directory could not be created or
// opened, so nothing was transferred (rsync's "error in file IO").
var ErrDestination = session.ErrDestination

// ErrNotDir: the destination must be a directory (the source is one, or
// there are several) but is not, or its path goes through something that
// is not a directory; nothing was transferred (rsync's code 3).
var ErrNotDir = session.ErrNotDir

// ErrUntrustedSymlink: the path of the destination (or of a --temp-dir,
// --backup-dir or --link-dest directory) goes through a symlink owned by
// neither root nor this user, which ferry does not follow; nothing was
// transferred (rsync 3.5.0 refuses the same, code 3).
var ErrUntrustedSymlink = fsys.ErrUntrustedSymlink

// ErrUsage: the receiving side cannot carry out an option as given (a
// --temp-dir that does not exist, a run the server refuses); rsync's
// syntax or usage error, code 1.
var ErrUsage = session.ErrUsage
