// Package cli is ferry's command line: rsync-compatible flags, subcommands,
// help, exit codes, and the rendering of progress and JSON events. It is
// callable in-process from tests.
package cli

import (
	"context"
	"fmt"
	"io"
)

// Main runs ferry with args (without the program name) and returns the
// process exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "rdiff":
			return runRdiff(ctx, args[1:], stdin, stdout, stderr)
		}
	}
	fmt.Fprintln(stderr, "ferry: sync is not implemented yet")
	return ExitUsage
}
