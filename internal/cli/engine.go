package cli

import (
	"context"
	"errors"
	"io"

	"github.com/ferrysync/ferry"
)

// syncFunc runs one sync of srcs into dst; it is ferry.SyncMany in
// production and a fake in tests.
type syncFunc func(ctx context.Context, srcs []string, dst string, opts ferry.Options) (ferry.Stats, error)

// serveFunc runs the remote side of a session ("ferry --server ARGS...")
// over stdin and stdout.
type serveFunc func(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error

// engine is what the command line needs from the ferry package.
type engine struct {
	sync   syncFunc
	server serveFunc
	watch  watchFunc
}

// defaultEngine returns the production engine.
func defaultEngine() engine {
	return engine{sync: ferry.SyncMany, server: ferry.ServeStdio, watch: ferry.Watch}
}

// engineExitCode maps the engine's sentinel errors to exit codes. Order
// matters: an error matching ErrVanished also matches ErrPartial when
// every failed file had vanished, and rsync then exits 24, not 23.
func engineExitCode(err error) (int, bool) {
	var shell *ferry.ShellExitError
	switch {
	case errors.As(err, &shell) && (shell.Status == ExitShell || shell.Status == ExitCmdNotFound || shell.Status == ExitCmdNotRun):
		return shell.Status, true
	case errors.Is(err, ferry.ErrNotDir), errors.Is(err, ferry.ErrUntrustedSymlink):
		return ExitFileSelect, true
	case errors.Is(err, ferry.ErrDestination): // correctness hook: before its cause's fs.ErrNotExist
		return ExitIO, true
	case errors.Is(err, ferry.ErrVanished):
		return ExitVanished, true
	case errors.Is(err, ferry.ErrPartial):
		return ExitPartial, true
	case errors.Is(err, ferry.ErrConnectTimeout):
		return ExitDaemonTimeout, true
	case errors.Is(err, ferry.ErrMaxDelete):
		return ExitMaxDelete, true
	case errors.Is(err, ferry.ErrRedirect):
		return ExitRedirect, true
	case errors.Is(err, ferry.ErrDaemon), errors.Is(err, ferry.ErrStartup):
		return ExitStartup, true
	case errors.Is(err, ferry.ErrProtocol):
		return ExitStream, true
	case errors.Is(err, ferry.ErrTimeout):
		return ExitTimeout, true
	case errors.Is(err, ferry.ErrBadOperand), errors.Is(err, ferry.ErrBadOption), errors.Is(err, ferry.ErrNotSupported),
		errors.Is(err, ferry.ErrUsage):
		return ExitUsage, true
	}
	return 0, false
}
