package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/ferrysync/ferry"
	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/spf13/pflag"
)

// watchFunc runs a watch; ferry.Watch in production.
type watchFunc func(ctx context.Context, src, dst string, opts ferry.Options, wopts ferry.WatchOptions) (ferry.Stats, error)

// watchOptions are the options "ferry watch" adds to the sync options.
type watchOptions struct {
	watcher    string
	delay      time.Duration
	eventsFrom string
	retryDelay time.Duration
}

func (w *watchOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&w.watcher, "watcher", "auto", "how changes are seen: auto (inotify on Linux), inotify, fanotify (Linux 5.17+, CAP_SYS_ADMIN: one mark for the whole filesystem, no setup scan) or poll")
	fs.StringVar(&w.eventsFrom, "events-from", "", "read the paths that changed (relative to SRC, NUL- or newline-separated) from FILE (- for stdin) instead of watching; its end ends the watch")
	fs.DurationVar(&w.retryDelay, "retry-delay", time.Second, "when the session is lost, wait this long before reconnecting (doubling on each failure, up to 30s), then catch up with a full pass")
	fs.DurationVar(&w.delay, "watch-delay", 10*time.Millisecond, "send a batch once SRC has been quiet this long (at most 100ms after its first change)")
}

// watchFlagSet returns the flags "ferry watch" adds to the sync flags.
func watchFlagSet() *pflag.FlagSet {
	fs := pflag.NewFlagSet("ferry watch", pflag.ContinueOnError)
	new(watchOptions).addFlags(fs)
	return fs
}

// watchRefused are sync flags that make no sense for a watch.
var watchRefused = []string{"dry-run", "list-only", "files-from", "relative", "remove-source-files", "progress", "P"}

const watchHelp = `Usage: ferry watch [OPTIONS] SRC DEST

Makes DEST like SRC, then keeps it so: every change in SRC is replicated over
the same session, in batches, until SIGINT or SIGTERM, which finish the batch
in flight, print the stats (--stats) and exit 0. SRC is a local directory, or
HOST:PATH or a daemon module, ferry://HOST/MODULE/PATH or HOST::MODULE/PATH
(the remote ferry watches it), or any SRC with --events-from. A lost
connection is retried (--retry-delay), then a full pass catches up.
DEST is any destination ferry takes: a path, HOST:PATH, ferry:// or HOST::MODULE,
but not a directory inside SRC. With --delete (and no filters), a file or a
directory renamed in a local SRC is renamed at DEST: nothing under it is sent
again.

Watch options:
%s
The sync options apply (filters, --delete, -H, -z, --bwlimit, -e, --ferry-path,
-v, -i, --json, --stats, --timeout, ...; see ferry --help), except
--dry-run, --list-only, --files-from, --relative, --remove-source-files, --progress.
`

// runWatch runs "ferry watch [OPTIONS] SRC DEST".
func runWatch(ctx context.Context, eng engine, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o := newSyncOptions()
	var wo watchOptions
	fs := newSyncFlagSet(o)
	wo.addFlags(fs)
	if err := fs.Parse(args); err != nil {
		return report(stderr, flagError(err))
	}
	if o.help {
		fmt.Fprintf(stdout, watchHelp, watchFlagSet().FlagUsages())
		return ExitOK
	}
	if err := unsupportedError(o.unsupported); err != nil {
		return report(stderr, err)
	}
	for _, name := range watchRefused {
		if fs.Changed(name) {
			return report(stderr, usagef("ferry: --%s does not apply to ferry watch", fs.Lookup(name).Name))
		}
	}
	if fs.NArg() != 2 {
		return report(stderr, usagef("ferry: ferry watch takes SRC and DEST, not %d operands", fs.NArg()))
	}
	if wo.delay <= 0 {
		return report(stderr, usagef("ferry: --watch-delay must be positive, not %v", wo.delay))
	}
	if err := o.finish(fs.Args(), stdin); err != nil {
		return report(stderr, err)
	}
	wopts := ferry.WatchOptions{Watcher: wo.watcher, Delay: wo.delay, RetryDelay: wo.retryDelay,
		OnWarning: func(err error) { fmt.Fprintln(stderr, "ferry: "+errorText(err)) },
		OnBatch:   batchReporter(o, stdout)}
	switch wo.eventsFrom {
	case "":
	case "-":
		wopts.Events = stdin
	default:
		f, err := fsys.OpenFileTrusted(wo.eventsFrom) // a symlink on the way: root's or ours only
		if err != nil {
			return report(stderr, usagef("ferry: --events-from: %v", err))
		}
		defer f.Close()
		wopts.Events = f
	}
	watch := eng.watch
	o.engine = eng
	// The run is a sync whose engine watches: output, stats and exit
	// codes are a sync's.
	o.engine.sync = func(ctx context.Context, srcs []string, dst string, opts ferry.Options) (ferry.Stats, error) {
		return watch(ctx, srcs[0], dst, opts, wopts)
	}
	return runSync(ctx, o, stdout, stderr)
}

// jsonBatch is the --json line of a watch batch (docs/JSON.md).
type jsonBatch struct {
	Event            string       `json:"event"` // "batch"
	Paths            []string     `json:"paths,omitempty"`
	Renames          []jsonRename `json:"renames,omitempty"`
	Rescan           bool         `json:"rescan"`
	LatencyMS        float64      `json:"latency_ms"`
	FilesTransferred int64        `json:"files_transferred"`
	Deleted          int64        `json:"deleted"`
	Errors           int64        `json:"errors"`
	BytesSent        int64        `json:"bytes_sent"`
	Error            string       `json:"error,omitempty"`
}

// jsonRename is a rename of a --json batch line.
type jsonRename struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// batchReporter shows each replicated batch: a JSON line with --json, a
// text line with -v, nothing otherwise. Batches are reported one at a
// time, between passes, so the writes do not interleave with the events'.
func batchReporter(o *syncOptions, stdout io.Writer) func(ferry.WatchBatch) {
	switch {
	case o.json:
		js := newJSONWriter(stdout)
		return func(b ferry.WatchBatch) {
			jb := jsonBatch{Event: "batch", Paths: b.Paths, Rescan: b.Rescan,
				LatencyMS:        float64(b.Latency.Microseconds()) / 1000,
				FilesTransferred: b.Stats.FilesTransferred, Deleted: b.Stats.Deleted, Errors: b.Stats.Errors,
				BytesSent: b.Stats.BytesSent}
			for _, rn := range b.Renames {
				jb.Renames = append(jb.Renames, jsonRename{Old: rn.Old, New: rn.New})
			}
			if b.Err != nil {
				jb.Error = errorText(b.Err)
			}
			js.enc.Encode(jb)
		}
	case o.verbose > 0:
		return func(b ferry.WatchBatch) {
			what := fmt.Sprintf("%d paths", len(b.Paths))
			if len(b.Renames) > 0 {
				what += fmt.Sprintf(", %d renames", len(b.Renames))
			}
			if b.Rescan {
				what = "full pass"
			}
			fmt.Fprintf(stdout, "watch: %s, %d transferred, %d deleted, %d errors, in %v\n", what,
				b.Stats.FilesTransferred, b.Stats.Deleted, b.Stats.Errors, b.Latency.Round(100*time.Microsecond))
		}
	}
	return nil
}
