package cli

import (
	"context"
	"fmt"
	"io"
)

// runServer runs the remote side of a session, "ferry --server ARGS...",
// as started by a client over ssh: the protocol flows over stdin and
// stdout, so every message goes to stderr.
func runServer(ctx context.Context, eng engine, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	err := eng.server(ctx, args, stdin, stdout)
	if err != nil {
		code := exitCode(err)
		fmt.Fprintln(stderr, finalMessage(ctx, err, code))
		return code
	}
	return ExitOK
}
