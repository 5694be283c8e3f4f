package role

import "github.com/ferrysync/ferry/internal/wire"

// ErrNotDir reports a destination that must be a directory but is not,
// or whose path goes through something that is not a directory: nothing
// is transferred (rsync's "errors selecting input/output files, dirs").
var ErrNotDir error = &NotDirError{Msg: "ferry: destination is not a directory"}

// NotDirError is an ErrNotDir saying what was wrong.
type NotDirError struct{ Msg string }

// Error returns the message.
func (e *NotDirError) Error() string { return e.Msg }

// Is makes every notDirError an ErrNotDir.
func (e *NotDirError) Is(target error) bool { return target == ErrNotDir }

// FatalCode tells the client, in the Fatal of an aborted session, that
// its destination was the trouble (exit 3).
func (e *NotDirError) FatalCode() uint64 { return wire.FatalNotDir }
