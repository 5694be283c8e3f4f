package cli

import (
	"github.com/ferrysync/ferry"

	"errors"
	"io"
	"strings"

	"github.com/spf13/pflag"
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
		return usagef("ferry: missing DEST operand after %q (listing a source is not supported yet)", operands[0])
	}
	for _, op := range operands {
		if op == "" {
			return usagef("ferry: empty SRC or DEST operand")
		}
	}
	o.srcs = operands[:len(operands)-1]
	o.dst = operands[len(operands)-1]

	if o.sync.Inplace && o.sync.PartialDir != "" {
		return usagef("ferry: --inplace cannot be used with --partial-dir")
	}
	if strings.HasPrefix(o.sync.PartialDir, "/") {
		// Every write goes through the destination's os.Root; a partial
		// directory outside it would be the one exception.
		return usagef("ferry: --partial-dir must be relative (to each file's directory in the destination), not %q", o.sync.PartialDir)
	}
	if o.sync.DeleteExcluded {
		o.sync.Delete = true
	}
	if o.quiet {
		o.verbose = 0
	}
	o.sync.Timeout = o.timeoutDuration()

	rules, err := resolveFilters(o.filters, stdin)
	if err != nil {
		return err
	}
	o.sync.Filters = rules
	return nil
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
