package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ferrysync/ferry"
)

// runSync runs one sync described by o, renders its events and statistics,
// and returns the exit code.
func runSync(ctx context.Context, o *syncOptions, stdout, stderr io.Writer) int {
	r := newRenderer(o, stdout, stderr)
	sink := newEventSink(o, r, stdout, stderr) // --progress, --json (progress_sink.go)
	opts := o.sync
	// The scan that runs ahead for totals is a second walk of the source:
	// only --progress and --json show what it finds.
	opts.NoTotals = !o.progress && !o.json
	prev := opts.OnEvent
	opts.OnEvent = func(ev ferry.Event) {
		sink.event(ev)
		if prev != nil {
			prev(ev)
		}
	}
	st, err := o.engine.sync(ctx, o.srcs, o.dst, opts)
	code := exitCode(err)
	sink.finish(st, err, code)
	// Totals are printed when the run got to the end, even with failures.
	if st.DeletesSkipped > 0 {
		fmt.Fprintf(stderr, "ferry: deletions stopped due to --max-delete limit (%d skipped)\n", st.DeletesSkipped)
	}
	if finished := code == ExitOK || code == ExitPartial || code == ExitVanished || code == ExitMaxDelete; finished && !o.json {
		switch {
		case o.stats:
			writeStats(stdout, st, opts.DryRun)
		case o.verbose > 0:
			fmt.Fprintln(stdout)
			writeSummary(stdout, st, opts.DryRun)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, finalMessage(err, code))
	}
	return code
}

// finalMessage is the last line printed for a failed run, in rsync's
// manner: "ferry: some files were not transferred (see previous errors)
// (code 23)".
func finalMessage(err error, code int) string {
	var msg string
	switch {
	case code == ExitPartial:
		msg = "some files were not transferred (see previous errors)"
	case code == ExitVanished:
		msg = "some files vanished before they could be transferred"
	case code == ExitMaxDelete:
		msg = "the --max-delete limit stopped deletions"
	case code == ExitSignal && errors.Is(err, context.Canceled):
		msg = "received a signal, stopping"
	default:
		msg = strings.TrimPrefix(err.Error(), "ferry: ")
	}
	return fmt.Sprintf("ferry: %s (code %d)", msg, code)
}
