package cli

import (
	"context"
	"fmt"
	"io"
)

// runRdiff implements "ferry rdiff signature|delta|patch".
func runRdiff(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "ferry rdiff: not implemented yet")
	return ExitUsage
}
