package cli

import (
	"context"
	"errors"
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
		var told interface{ ToldPeer() bool }
		if !errors.As(err, &told) || !told.ToldPeer() {
			fmt.Fprintln(stderr, finalMessage(ctx, err, code)) // else the client prints it: once
		}
		return code
	}
	return ExitOK
}
