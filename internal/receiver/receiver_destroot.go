package receiver

import (
	"errors"
	"fmt"
	"io/fs"
)

// ErrDestination reports a destination directory that cannot be created
// or opened: the run stops (rsync: "error in file IO", code 11).
var ErrDestination = errors.New("ferry: destination unusable")

// DestError is a failure to create or open the destination root. It
// matches ErrDestination and its cause.
type DestError struct {
	Op   string // "mkdir", "open"
	Path string
	Err  error
}

// Error says which destination could not be used, and why.
func (e *DestError) Error() string {
	return fmt.Sprintf("%s %s failed: %v", e.Op, e.Path, e.Err)
}

// Unwrap returns ErrDestination and the cause.
func (e *DestError) Unwrap() []error { return []error{ErrDestination, e.Err} }

// unwrapPathError drops an *fs.PathError's own operation and path, which
// DestError repeats.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
