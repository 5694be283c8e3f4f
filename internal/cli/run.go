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
	if o.logFile != "" {
		lf, err := openLogFile(o.logFile, o.logFmt)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitCode(err)
		}
		lf.start(o.srcs, o.dst)
		sink.log = lf
	}
	opts := o.sync
	if o.verbose > 0 && opts.OnRedirect == nil {
		opts.OnRedirect = func(from, to string) { fmt.Fprintf(stderr, "ferry: %s redirects to %s\n", from, to) }
	}
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
	if errors.Is(err, ferry.ErrSwarmOffered) && ctx.Err() == nil {
		if o.verbose > 0 {
			fmt.Fprintf(stderr, "ferry: %s offers the swarm service: swarm fetch (--no-swarm: normal sync)\n", o.srcs[0])
		}
		return runSwarm(ctx, o, stdout, stderr, true)
	}
	if o.filesFromFile != nil {
		o.filesFromFile.Close()
	}
	err = signalWins(ctx, err)
	code := exitCode(err)
	sink.finish(st, err, code)
	// Totals are printed when the run got to the end, even with failures.
	if st.DeletesSkipped > 0 {
		fmt.Fprintf(stderr, "ferry: deletions stopped due to --max-delete limit (%d skipped)\n", st.DeletesSkipped)
	}
	if finished := code == ExitOK || code == ExitPartial || code == ExitVanished || code == ExitMaxDelete; finished && !o.json {
		switch {
		case o.stats:
			writeStats(stdout, st, opts.DryRun, numbers(o.human))
		case o.verbose > 0:
			fmt.Fprintln(stdout)
			writeSummary(stdout, st, opts.DryRun, numbers(o.human))
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, finalMessage(ctx, err, code))
	}
	return code
}

// finalMessage is the last line printed for a failed run, in rsync's
// manner: "ferry: some files were not transferred (see previous errors)
// (code 23)"; "ferry: received a signal (SIGINT), stopping (code 20)"
// when ctx was cancelled by SignalContext.
func finalMessage(ctx context.Context, err error, code int) string {
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
		if name, ok := signalCause(ctx); ok {
			msg = "received a signal (" + name + "), stopping"
		}
	default:
		msg = errorText(err)
	}
	return fmt.Sprintf("ferry: %s (code %d)", msg, code)
}

// errorText is err's message without the "ferry: " prefixes that wrapped
// sentinels carry ("mkdir d: ferry: destination unusable"): the line that
// prints it has one of its own.
func errorText(err error) string {
	return strings.TrimPrefix(strings.ReplaceAll(err.Error(), ": ferry: ", ": "), "ferry: ")
}
