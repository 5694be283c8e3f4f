package role

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"

	"github.com/ferrysync/ferry/internal/link"
	"github.com/ferrysync/ferry/internal/wire"
)

// Errors of a session.
var (
	ErrProtocol = link.ErrProtocol
	ErrTimeout  = link.ErrTimeout
	ErrVanished = errors.New("ferry: file vanished")
	ErrRemote   = errors.New("ferry: remote side failed")
	// ErrChecksum reports a file whose data did not verify even after a
	// whole-file retry.
	ErrChecksum = errors.New("ferry: checksum mismatch")
)

// FileError is a failure tied to one path. Remote says the peer detected
// it; Code is the wire.ErrCode* class.
type FileError struct {
	Op     string // what failed: "open", "read", "write", "commit", "delete"...
	Path   string // relative to the transfer root
	Code   uint64
	Remote bool
	Err    error
}

// Error says what failed on which path, and why.
func (e *FileError) Error() string {
	side := ""
	if e.Remote {
		side = " (remote)"
	}
	return fmt.Sprintf("%s %s%s: %v", e.Op, e.Path, side, e.Err)
}

// Unwrap returns the cause.
func (e *FileError) Unwrap() []error {
	if e.Code == wire.ErrCodeVanished {
		return []error{e.Err, ErrVanished}
	}
	return []error{e.Err}
}

// ErrCode classifies err for the wire.
func ErrCode(err error) uint64 {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return wire.ErrCodeVanished
	case errors.Is(err, fs.ErrPermission):
		return wire.ErrCodePermission
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return wire.ErrCodeNoSpace
	}
	return wire.ErrCodeIO
}

// remoteError is the cause of a FileError received from the peer.
type remoteError struct {
	code uint64
	msg  string
}

func (e *remoteError) Error() string { return e.msg }

func (e *remoteError) Is(target error) bool {
	switch e.code {
	case wire.ErrCodeVanished:
		return target == fs.ErrNotExist || target == ErrVanished
	case wire.ErrCodePermission:
		return target == fs.ErrPermission
	case wire.ErrCodeNoSpace:
		return target == syscall.ENOSPC
	}
	return false
}

// FromWireError is the FileError the peer reported in m. It is marked
// Remote unless the peer is this process's other role (a local copy).
func (p *Peer) FromWireError(m *wire.FileError) *FileError {
	op, msg := "transfer", m.Message
	return &FileError{Op: op, Path: m.Path, Code: m.Code, Remote: !p.Cfg.LocalPeer, Err: &remoteError{code: m.Code, msg: msg}}
}

// ToWireError is fe as a FileError message for request id (0: in-stream).
func ToWireError(id uint64, fe *FileError) *wire.FileError {
	return &wire.FileError{ID: id, Path: fe.Path, Code: fe.Code, Message: fmt.Sprintf("%s: %v", fe.Op, fe.Err)}
}

// ErrConnDown ends the file jobs still in flight when the link goes down.
var ErrConnDown = errors.New("connection down")

// ErrUsage reports a run option the receiver cannot carry out as given
// (rsync's "syntax or usage error", exit 1): a missing temp directory.
var ErrUsage = errors.New("ferry: unusable option")

// UsageError is an ErrUsage saying what was wrong; it reaches the client
// in a Fatal with the usage code (exit 1).
type UsageError struct{ Msg string }

func (e *UsageError) Error() string        { return e.Msg }
func (e *UsageError) Is(target error) bool { return target == ErrUsage }

// FatalCode is the usage Fatal code.
func (e *UsageError) FatalCode() uint64 { return wire.FatalUsage }
