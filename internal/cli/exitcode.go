package cli

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"syscall"
)

// exitCode maps the error a command returned to ferry's exit code.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ec exitCoder
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	if code, ok := engineExitCode(err); ok {
		return code
	}
	var netErr net.Error
	var exitErr *exec.ExitError
	var execErr *exec.Error
	switch {
	case errors.Is(err, context.Canceled):
		return ExitSignal
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return ExitTimeout
	case errors.As(err, &execErr), errors.As(err, &exitErr):
		return ExitStartup
	case errors.As(err, &netErr) && !isErrno(netErr): // a syscall.Errno has Timeout too
		if netErr.Timeout() {
			return ExitTimeout
		}
		return ExitSocketIO
	case errors.Is(err, fs.ErrNotExist):
		return ExitFileSelect
	}
	return ExitIO
}

// isErrno reports whether err is a bare syscall.Errno, which satisfies
// net.Error without being a network error.
func isErrno(err error) bool {
	_, ok := err.(syscall.Errno)
	return ok
}
