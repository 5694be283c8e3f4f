package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/ferrysync/ferry"
)

// runList prints a daemon's message of the day and its listable modules,
// one per line with its comment, like rsync's "rsync host::".
func runList(ctx context.Context, o *syncOptions, stdout, stderr io.Writer) int {
	mods, motd, err := ferry.ListModules(ctx, o.list, o.sync)
	if motd != "" && !o.quiet {
		fmt.Fprintln(stdout, strings.TrimRight(motd, "\n"))
	}
	if err != nil {
		fmt.Fprintln(stderr, finalMessage(ctx, err, exitCode(err)))
		return exitCode(err)
	}
	for _, m := range mods {
		fmt.Fprintf(stdout, "%-15s\t%s\n", m.Name, m.Comment)
	}
	return ExitOK
}
