package delta

import (
	"errors"
	"fmt"
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrBadMagic means the stream does not start with a known magic number.
	ErrBadMagic = errors.New("delta: bad magic number")
	// ErrTruncated means the stream ended inside a header, record or command.
	ErrTruncated = errors.New("delta: truncated input")
	// ErrCorrupt means a field holds an impossible or unsupported value.
	ErrCorrupt = errors.New("delta: corrupt input")
	// ErrBasisRange means a COPY command reads outside the basis file.
	ErrBasisRange = errors.New("delta: copy beyond the end of the basis")
	// ErrParams means signature parameters are invalid.
	ErrParams = errors.New("delta: invalid parameters")
)

// A FormatError reports a problem at a byte offset of a signature or delta
// stream. Callers add the file name.
type FormatError struct {
	Offset int64  // byte offset in the stream where the bad item starts
	What   string // what was being read, e.g. "COPY command"
	Err    error  // one of the sentinel errors, possibly wrapped
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("offset %d: %s: %v", e.Offset, e.What, e.Err)
}

// Unwrap returns the underlying error.
func (e *FormatError) Unwrap() error { return e.Err }

func formatErr(off int64, what string, err error) error {
	return &FormatError{Offset: off, What: what, Err: err}
}
