package role

import (
	"errors"

	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/wire"
)

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

// untrustedError is fsys.ErrUntrustedSymlink on the way to the
// destination, with the Fatal code of a destination that was the trouble,
// so that a client whose receiver is remote exits 3 too.
type untrustedError struct{ err error }

func (e *untrustedError) Error() string { return e.err.Error() }
func (e *untrustedError) Unwrap() error { return e.err }

// FatalCode is FatalNotDir (exit 3 at the client).
func (e *untrustedError) FatalCode() uint64 { return wire.FatalNotDir }

// untrusted marks err as an untrustedError when it is an
// fsys.ErrUntrustedSymlink.
func untrusted(err error) error {
	if errors.Is(err, fsys.ErrUntrustedSymlink) {
		return &untrustedError{err}
	}
	return err
}
