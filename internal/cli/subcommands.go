package cli

import (
	"github.com/ferrysync/ferry/internal/daemon"
	"github.com/spf13/pflag"
)

// subcommand is a word that, as the first argument, makes ferry do
// something other than a sync. The man page and the shell completions are
// generated from this table; Main dispatches on the same names.
type subcommand struct {
	name    string
	usage   string                // what follows "ferry NAME"
	summary string                // one line
	flags   func() *pflag.FlagSet // nil: no options
	words   []string              // values of the first operand, if fixed
	files   bool                  // operands (after words) are files
}

// subcommands lists ferry's subcommands, in the order shown.
var subcommands = []subcommand{
	{name: "watch", usage: "[OPTIONS] SRC DEST", summary: "sync, then replicate every change in SRC until interrupted (the sync options apply)",
		flags: watchFlagSet, files: true},
	{name: "serve", usage: "[--config FILE] [--listen ADDR]...", summary: "run the ferry daemon",
		flags: daemon.FlagSet},
	{name: "rdiff", usage: "[OPTIONS] signature|delta|patch FILES...", summary: "librsync-compatible signature, delta and patch",
		flags: rdiffFlagSet, words: []string{"signature", "delta", "patch"}, files: true},
	{name: "man", summary: "print the ferry(1) man page (roff) on stdout"},
	{name: "completion", usage: "bash|zsh|fish", summary: "print a shell completion script on stdout",
		words: completionShells},
}

// rdiffFlagSet returns the flags of "ferry rdiff".
func rdiffFlagSet() *pflag.FlagSet {
	fs := pflag.NewFlagSet("ferry rdiff", pflag.ContinueOnError)
	new(rdiffOptions).addFlags(fs)
	return fs
}
