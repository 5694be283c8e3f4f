package cli

import "fmt"

// Exit codes, numbered as rsync numbers them so that scripts written for
// rsync keep working. docs/EXIT-CODES.md documents them.
const (
	ExitOK            = 0   // success
	ExitUsage         = 1   // syntax or usage error (bad command line or options)
	ExitProtocol      = 2   // protocol incompatibility
	ExitFileSelect    = 3   // errors selecting input/output files or directories
	ExitStartup       = 5   // error starting the client-server protocol
	ExitRedirect      = 16  // a daemon redirect was not followed (ferry's own: loop, TLS to plain, --no-redirect)
	ExitSocketIO      = 10  // error in socket I/O
	ExitIO            = 11  // error in file I/O (the run stopped)
	ExitStream        = 12  // error in the protocol data stream
	ExitSignal        = 20  // interrupted by a signal (SIGINT, SIGTERM, SIGHUP)
	ExitPartial       = 23  // partial transfer due to error: some files failed
	ExitVanished      = 24  // partial transfer: some source files vanished
	ExitMaxDelete     = 25  // the --max-delete limit stopped deletions
	ExitTimeout       = 30  // timeout in data send/receive
	ExitDaemonTimeout = 35  // timeout waiting for the daemon connection
	ExitCmdNotRun     = 126 // the remote command could not be run
	ExitCmdNotFound   = 127 // the remote command (ferry) was not found
	ExitShell         = 255 // the remote shell (ssh) failed
	ExitDiffers       = 1   // ferry diff only: the trees differ
)

// exitCoder is implemented by errors that carry their own exit code.
type exitCoder interface {
	ExitCode() int
}

// usageError is a mistake on the command line. It maps to ExitUsage and is
// printed without the "Try ferry --help" hint when hint is false.
type usageError struct {
	msg  string
	hint bool // suggest --help after the message
}

func (e *usageError) Error() string { return e.msg }

// ExitCode reports ExitUsage.
func (e *usageError) ExitCode() int { return ExitUsage }

// usagef returns a *usageError with a formatted message and the --help hint.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...), hint: true}
}
