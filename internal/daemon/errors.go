package daemon

import (
	"errors"
	"fmt"
)

// ErrorCode classifies an ERROR message (docs/DAEMON.md, "Error codes").
type ErrorCode uint16

// Error codes sent in ERROR messages.
const (
	CodeProtocol      ErrorCode = 1 // malformed or unexpected message
	CodeVersion       ErrorCode = 2 // no common protocol version
	CodeUnknownModule ErrorCode = 3 // no such module (or not visible to this client)
	CodeAccessDenied  ErrorCode = 4 // hosts allow/deny refused the client's address
	CodeAuthFailed    ErrorCode = 5 // unknown user or wrong password
	CodeTooMany       ErrorCode = 6 // connection limit reached
	CodeModuleMode    ErrorCode = 7 // read_only / write_only forbids the requested role
	CodeInternal      ErrorCode = 8 // server-side failure (module path missing, ...)
	CodeTimeout       ErrorCode = 9 // the client was too slow
)

// Sentinel errors a RemoteError matches with errors.Is, by code.
var (
	ErrUnknownModule  = errors.New("ferry: unknown module")
	ErrAccessDenied   = errors.New("ferry: access denied")
	ErrAuthFailed     = errors.New("ferry: authentication failed")
	ErrTooMany        = errors.New("ferry: too many connections")
	ErrModuleMode     = errors.New("ferry: operation not allowed by the module")
	ErrServerInternal = errors.New("ferry: daemon internal error")
	ErrTimeout        = errors.New("ferry: daemon timeout")
)

// RemoteError is an ERROR message received from a daemon.
type RemoteError struct {
	Code    ErrorCode
	Message string // human-readable, from the daemon
}

func (e *RemoteError) Error() string {
	return fmt.Sprintf("ferry daemon: %s", e.Message)
}

// Is matches the sentinel error of the code.
func (e *RemoteError) Is(target error) bool {
	return target != nil && target == codeSentinel(e.Code)
}

func codeSentinel(c ErrorCode) error {
	switch c {
	case CodeProtocol:
		return ErrProtocol
	case CodeVersion:
		return ErrVersion
	case CodeUnknownModule:
		return ErrUnknownModule
	case CodeAccessDenied:
		return ErrAccessDenied
	case CodeAuthFailed:
		return ErrAuthFailed
	case CodeTooMany:
		return ErrTooMany
	case CodeModuleMode:
		return ErrModuleMode
	case CodeInternal:
		return ErrServerInternal
	case CodeTimeout:
		return ErrTimeout
	case CodeLoop:
		return ErrLoop
	case CodeUnavailable:
		return ErrUnavailable
	case CodeMoved:
		return ErrMoved
	}
	return nil
}
