// Package cli is ferry's command line: rsync-compatible flags, subcommands,
// help, exit codes, and the rendering of events and statistics. It is
// callable in-process from tests through Main.
//
// The shape of every command is the same:
//
//	opts := newSyncOptions()           // the options struct, defaults filled in
//	opts.AddFlags(fs)                  // binds pflag flags to its fields
//	fs.Parse(args); opts.finish(...)   // operands, filter files, checks
//	code := runSync(ctx, opts, stdout, stderr)
//
// Mistakes on the command line are *usageError values; every error maps to
// one of the exit codes in exit.go (rsync's numbering, see docs/EXIT-CODES.md).
package cli
