package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/ferrysync/ferry"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, ExitOK},
		{"usage", usagef("ferry: bad"), ExitUsage},
		{"wrapped usage", fmt.Errorf("parse: %w", usagef("ferry: bad")), ExitUsage},
		{"file select", &fileSelectError{os.ErrNotExist}, ExitFileSelect},
		{"canceled", fmt.Errorf("sync: %w", context.Canceled), ExitSignal},
		{"deadline", context.DeadlineExceeded, ExitTimeout},
		{"io deadline", os.ErrDeadlineExceeded, ExitTimeout},
		{"exec", &exec.Error{Name: "ssh", Err: exec.ErrNotFound}, ExitStartup},
		{"socket", &net.OpError{Op: "read", Err: errors.New("connection reset")}, ExitSocketIO},
		{"not exist", fmt.Errorf("open src: %w", fs.ErrNotExist), ExitFileSelect},
		{"other", errors.New("disk on fire"), ExitIO},
		{"errno is not a socket error", &os.PathError{Op: "read", Path: "f", Err: syscall.EIO}, ExitIO},
		{"destination", fmt.Errorf("mkdir d: %w: %w", ferry.ErrDestination, fs.ErrNotExist), ExitIO},
		{"partial", fmt.Errorf("sync: %w", &ferry.PartialError{Errors: 2, Vanished: 1}), ExitPartial},
		{"only vanished", &ferry.PartialError{Errors: 3, Vanished: 3}, ExitVanished},
		{"protocol", fmt.Errorf("read: %w", ferry.ErrProtocol), ExitStream},
		{"timeout", fmt.Errorf("read: %w", ferry.ErrTimeout), ExitTimeout},
		{"bad operand", fmt.Errorf("%w: both remote", ferry.ErrBadOperand), ExitUsage},
		{"bad option", fmt.Errorf("%w: absolute partial dir", ferry.ErrBadOption), ExitUsage},
		{"not supported", fmt.Errorf("%w: daemon", ferry.ErrNotSupported), ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exitCode(tt.err); got != tt.want {
				t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}
