package cli

import (
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// completionShells are the shells "ferry completion" writes scripts for.
var completionShells = []string{"bash", "zsh", "fish"}

// valuesAnnotation names the pflag annotation listing the fixed values a
// flag accepts (ferry rdiff --hash: blake2, md4), for completion.
const valuesAnnotation = "ferry-values"

// complOption is one option as the completion scripts see it, derived from
// a pflag.Flag.
type complOption struct {
	long   []string // long names (aliases included) without dashes
	short  string   // one letter or ""
	arg    string   // the value's name (FILE, PATTERN); "" when it takes none
	values []string // fixed values, if any
	usage  string
}

// kind says how the option's value is completed: "" (it takes none),
// "file", "dir", "command", "values" or "text" (not completed).
func (o complOption) kind() string {
	switch {
	case o.arg == "":
		return ""
	case len(o.values) > 0:
		return "values"
	case o.arg == "FILE":
		return "file"
	case o.arg == "DIR":
		return "dir"
	case o.arg == "COMMAND", o.arg == "PROGRAM":
		return "command"
	}
	return "text"
}

// complOptionOf converts f.
func complOptionOf(f *pflag.Flag) complOption {
	o := complOption{short: f.Shorthand, usage: helpUsage(f), values: f.Annotations[valuesAnnotation]}
	if f.Name != f.Shorthand {
		o.long = append([]string{f.Name}, f.Annotations[aliasAnnotation]...)
	}
	if t := f.Value.Type(); t != "bool" && t != "count" {
		o.arg = strings.ToUpper(t) // no `NAME` in the usage: the type
		if strings.Contains(f.Usage, "`") {
			o.arg, _ = pflag.UnquoteUsage(f)
		}
	}
	return o
}

// complCommand is the sync ("") or a subcommand, with its options.
type complCommand struct {
	name    string
	summary string
	options []complOption
	words   []string // fixed values of the first operand
	files   bool     // operands are files
}

// complCommands returns the sync command, its options in --help order and
// the subcommands as its first-operand words, then every subcommand.
func complCommands() []complCommand {
	fs := newSyncFlagSet(newSyncOptions())
	sync := complCommand{files: true}
	for _, g := range helpGroups {
		for _, name := range g.flags {
			sync.options = append(sync.options, complOptionOf(fs.Lookup(name)))
		}
	}
	cmds := []complCommand{sync}
	for _, sc := range subcommands {
		cmds[0].words = append(cmds[0].words, sc.name)
		c := complCommand{name: sc.name, summary: sc.summary, words: sc.words, files: sc.files}
		if sc.flags != nil {
			sc.flags().VisitAll(func(f *pflag.Flag) {
				if !f.Hidden {
					c.options = append(c.options, complOptionOf(f))
				}
			})
		}
		cmds = append(cmds, c)
	}
	return cmds
}

// runCompletion implements "ferry completion bash|zsh|fish".
func runCompletion(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || !slices.Contains(completionShells, args[0]) {
		return report(stderr, usagef("ferry completion: name one shell: %s", strings.Join(completionShells, ", ")))
	}
	cmds := complCommands()
	switch args[0] {
	case "bash":
		writeBashCompletion(stdout, cmds)
	case "zsh":
		writeZshCompletion(stdout, cmds)
	case "fish":
		writeFishCompletion(stdout, cmds)
	}
	return ExitOK
}

// optionWords lists an option's spellings as typed: "--exclude=" for a
// long option taking a value, "-e", "--verbose".
func optionWords(o complOption) []string {
	var words []string
	for _, l := range o.long {
		if o.arg != "" {
			l += "="
		}
		words = append(words, "--"+l)
	}
	if o.short != "" {
		words = append(words, "-"+o.short)
	}
	return words
}

// dashed lists an option's names with their dashes, without "=".
func dashed(o complOption) []string {
	var names []string
	for _, l := range o.long {
		names = append(names, "--"+l)
	}
	if o.short != "" {
		names = append(names, "-"+o.short)
	}
	return names
}
