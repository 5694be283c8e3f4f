package ferry

import (
	"errors"
	"fmt"

	"github.com/ferrysync/ferry/internal/session"
)

// FileError is the Err of an EventFileError: a failure tied to one path.
// The rest of the pass goes on; the pass then returns a *PartialError.
type FileError struct {
	Op     string   // what failed: "open", "read", "write", "commit", "delete", "pass"...
	Path   string   // slash-separated, relative to the transfer root
	Code   FileCode // the class of the failure, as the protocol carries it
	Remote bool     // the peer saw the failure (the far side of a remote sync)
	Err    error    // the cause
}

// FileCode classifies a FileError (the protocol's FileError codes,
// docs/PROTOCOL.md).
type FileCode int

// File error classes.
const (
	CodeIO         FileCode = 1 // any other I/O error
	CodeVanished   FileCode = 2 // the source file disappeared
	CodePermission FileCode = 3 // permission denied
	CodeNoSpace    FileCode = 4 // no space left on the device
	CodeDirRead    FileCode = 5 // a source directory could not be read: nothing under it is deleted
	CodeProtocol   FileCode = 6 // a request the sender refused (a bad path)
)

// ErrBadPath is the cause of the FileError of a pass path that is not a
// valid transfer path (absolute, with "..", empty, with a NUL): that path
// is skipped, the others are passed.
var ErrBadPath = session.ErrBadPath

func (e *FileError) Error() string {
	side := ""
	if e.Remote {
		side = " (remote)"
	}
	return fmt.Sprintf("%s %s%s: %v", e.Op, e.Path, side, e.Err)
}

// Unwrap returns the cause, and ErrVanished for CodeVanished.
func (e *FileError) Unwrap() []error {
	if e.Code == CodeVanished {
		return []error{e.Err, ErrVanished}
	}
	return []error{e.Err}
}

// publicError turns the session's per-file error into a *FileError; other
// errors are returned as they are.
func publicError(err error) error {
	var fe *session.FileError
	if !errors.As(err, &fe) || fe != err {
		return err
	}
	return &FileError{Op: fe.Op, Path: fe.Path, Code: FileCode(fe.Code), Remote: fe.Remote, Err: fe.Err}
}
