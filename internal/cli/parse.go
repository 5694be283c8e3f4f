package cli

import (
	"github.com/ferrysync/ferry"

	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/ferrysync/ferry/internal/fsys"
)

// newSyncFlagSet returns a flag set for o, failing softly (errors returned,
// nothing printed).
func newSyncFlagSet(o *syncOptions) *pflag.FlagSet {
	fs := pflag.NewFlagSet("ferry", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.SortFlags = false
	o.AddFlags(fs)
	return fs
}

// parseSync parses the command line of a sync into fresh options. stdin is
// read by "--exclude-from -" and "--include-from -".
func parseSync(args []string, stdin io.Reader) (*syncOptions, error) {
	o := newSyncOptions()
	if len(args) == 1 && args[0] == "-h" {
		// rsync's rule: -h is --human-readable, except on its own.
		o.help = true
		return o, nil
	}
	fs := newSyncFlagSet(o)
	if err := fs.Parse(args); err != nil {
		return nil, flagError(err)
	}
	if err := unsupportedError(o.unsupported); err != nil {
		return nil, err
	}
	if fs.Changed("suffix") && o.sync.Suffix == "" && o.sync.BackupDir == "" {
		// The library reads "" as the default; rsync refuses it.
		return nil, usagef("ferry: --suffix cannot be empty without a --backup-dir")
	}
	if o.help || o.version {
		return o, nil
	}
	for _, v := range o.info {
		o.infoHelp = o.infoHelp || strings.Contains(strings.ToLower(v), "help")
	}
	for _, v := range o.debug {
		o.debugHelp = o.debugHelp || strings.Contains(strings.ToLower(v), "help")
	}
	if o.infoHelp || o.debugHelp {
		return o, nil
	}
	o.recursiveOn = fs.Changed("recursive") && o.sync.Recursive
	if err := o.finish(fs.Args(), stdin); err != nil {
		return nil, err
	}
	return o, nil
}

// finish splits the operands, reads filter files and checks that the
// options make sense together.
func (o *syncOptions) finish(operands []string, stdin io.Reader) error {
	switch len(operands) {
	case 0:
		return usagef("ferry: missing SRC and DEST operands")
	case 1:
		if op, err := ferry.ParseOperand(operands[0]); err == nil && op.Kind == ferry.Daemon && op.Module == "" {
			o.list = operands[0]
			return nil
		}
		o.sync.ListOnly = true // a source without a destination is listed, as in rsync
	}
	if o.sync.ListOnly {
		for _, op := range operands {
			if op == "" {
				return usagef("ferry: empty SRC operand")
			}
		}
		o.srcs = operands // every operand is a source
		return nil
	}
	for _, op := range operands {
		if op == "" {
			return usagef("ferry: empty SRC or DEST operand")
		}
	}
	o.srcs = operands[:len(operands)-1]
	o.dst = operands[len(operands)-1]

	if o.sync.PasswordFile != "" && !anyDaemon(operands) {
		return usagef("ferry: the --password-file option may only be used when accessing a ferry daemon")
	}
	if err := o.finishCoop(); err != nil {
		return err
	}
	if o.sync.Inplace && o.sync.DelayUpdates {
		return usagef("ferry: --delay-updates cannot be combined with --inplace")
	}
	if o.sync.Inplace && o.sync.PartialDir != "" {
		return usagef("ferry: --inplace cannot be used with --partial-dir")
	}
	if strings.HasPrefix(o.sync.PartialDir, "/") {
		// Every write goes through the destination's os.Root; a partial
		// directory outside it would be the one exception.
		return usagef("ferry: --partial-dir must be relative (to each file's directory in the destination), not %q", o.sync.PartialDir)
	}
	if o.chown != "" {
		if o.sync.UserMap != "" || o.sync.GroupMap != "" {
			return usagef("ferry: --chown cannot be used with --usermap or --groupmap")
		}
		u, g, _ := strings.Cut(o.chown, ":")
		if u != "" {
			o.sync.UserMap = "*:" + u
		}
		if g != "" {
			o.sync.GroupMap = "*:" + g
		}
	}
	if o.sync.DeleteExcluded {
		o.sync.Delete = true
	}
	for _, w := range o.deleteWhen[min(1, len(o.deleteWhen)):] {
		if w != o.deleteWhen[0] {
			return usagef("ferry: you may not combine multiple --delete-WHEN options (%s, %s)", o.deleteWhen[0], w)
		}
	}
	if err := o.finishOutput(); err != nil {
		return err
	}
	if o.quiet {
		o.verbose = 0
	}
	o.sync.Timeout = o.timeoutDuration()
	o.sync.ConnectTimeout = time.Duration(o.contimeout) * time.Second

	filters := o.filters
	if o.cvsExclude {
		// As in rsync, after the user's own rules whatever their place.
		filters = append(filters, filterArg{kind: filterRule, value: "-C"}, filterArg{kind: filterRule, value: ":C"})
	}
	rules, err := resolveFilters(filters, stdin)
	if err != nil {
		return err
	}
	o.sync.Filters = rules
	return o.openFilesFrom(stdin)
}

// openFilesFrom opens the --files-from list. As in rsync, -a does not
// imply -r with it: listed directories are created, not descended into,
// unless -r is given too.
func (o *syncOptions) openFilesFrom(stdin io.Reader) error {
	if o.filesFrom == "" {
		return nil
	}
	if len(o.srcs) != 1 {
		return usagef("ferry: --files-from takes exactly one source directory, not %d", len(o.srcs))
	}
	o.sync.Recursive = o.recursiveOn
	if o.filesFrom == "-" {
		o.sync.FilesFrom = stdin
		return nil
	}
	f, err := fsys.OpenFileTrusted(o.filesFrom) // a symlink on the way: root's or ours only
	if err != nil {
		return &fileSelectError{fmt.Errorf("--files-from: %w", err)}
	}
	o.filesFromFile, o.sync.FilesFrom = f, f
	return nil
}

// anyDaemon reports whether an operand names a ferry daemon.
func anyDaemon(operands []string) bool {
	for _, s := range operands {
		if op, err := ferry.ParseOperand(s); err == nil && op.Kind == ferry.Daemon {
			return true
		}
	}
	return false
}

// flagError rewords pflag's parse errors as ferry usage errors.
func flagError(err error) error {
	var notExist *pflag.NotExistError
	var needsArg *pflag.ValueRequiredError
	var invalid *pflag.InvalidValueError
	switch {
	case errors.As(err, &notExist):
		if notExist.GetSpecifiedShortnames() != "" {
			return usagef("ferry: unknown option -%s", notExist.GetSpecifiedName())
		}
		return usagef("ferry: unknown option --%s", notExist.GetSpecifiedName())
	case errors.As(err, &needsArg):
		return usagef("ferry: option %s requires an argument", flagName(needsArg.GetFlag(), needsArg.GetSpecifiedShortnames() != ""))
	case errors.As(err, &invalid):
		return usagef("ferry: invalid value %q for option %s", invalid.GetValue(), flagName(invalid.GetFlag(), false))
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "ferry") {
		msg = "ferry: " + msg
	}
	return usagef("%s", msg)
}

// flagName is how a flag is named in messages.
func flagName(f *pflag.Flag, short bool) string {
	if short && f.Shorthand != "" {
		return "-" + f.Shorthand
	}
	return "--" + f.Name
}
