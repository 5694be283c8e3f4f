package cli

import (
	"github.com/spf13/pflag"
)

// unsupportedOption is an rsync option ferry knows but does not implement
// yet. It is accepted by the parser only to be refused with a clear message
// rather than "unknown option" or, worse, silently ignored.
type unsupportedOption struct {
	long  string // long name without dashes; "" for a short-only option
	short string // one-letter shorthand or ""
	arg   bool   // the option takes a value
	hint  string // what to use instead, if anything
}

// unsupportedOptions lists rsync's options that ferry does not support yet.
var unsupportedOptions = []unsupportedOption{
	{long: "compress-choice", arg: true, hint: "ferry always compresses with zstd"},
	{long: "8-bit-output", short: "8"},
	{long: "munge-links"},
	{long: "executability", short: "E"},
	{long: "atimes", short: "U"},
	{long: "crtimes", short: "N"},
	{long: "open-noatime"},
	{long: "omit-dir-times", short: "O"},
	{long: "omit-link-times", short: "J"},
	{long: "super"},
	{long: "fake-super"},
	{long: "write-devices"},
	{long: "copy-devices"},
	{long: "checksum-choice", arg: true},
	{long: "block-size", short: "B", arg: true},
	{long: "append"},
	{long: "append-verify"},
	{long: "delete-missing-args"},
	{long: "ignore-missing-args"},
	{long: "max-alloc", arg: true},
	{long: "stop-after", arg: true},
	{long: "stop-at", arg: true},
	{long: "write-batch", arg: true},
	{long: "only-write-batch", arg: true},
	{long: "read-batch", arg: true},
	{long: "rsync-path", arg: true, hint: "use --ferry-path"},
	{long: "remote-option", short: "M", arg: true},
	{long: "protect-args", short: "s"},
	{long: "secluded-args"},
	{long: "trust-sender"},
	{long: "copy-as", arg: true},
	{long: "blocking-io"},
	{long: "outbuf", arg: true},
	{long: "iconv", arg: true},
	{long: "ipv4", short: "4"},
	{long: "ipv6", short: "6"},
	{long: "address", arg: true},
	{long: "sockopts", arg: true},
	{long: "early-input", arg: true},
	{long: "no-motd"},
	{long: "daemon", hint: "use ferry serve"},
	{long: "config", arg: true},
	{long: "protocol", arg: true},
	{long: "old-args"},
	{long: "msgs2stderr"},
}

// name is how the option is shown in messages.
func (u unsupportedOption) name() string {
	if u.long == "" {
		return "-" + u.short
	}
	return "--" + u.long
}

// unsupportedFlag records the use of an unsupported option.
type unsupportedFlag struct {
	opt  unsupportedOption
	used *[]unsupportedOption
}

func (v *unsupportedFlag) String() string { return "" }

func (v *unsupportedFlag) Type() string {
	if v.opt.arg {
		return "string"
	}
	return "bool"
}

func (v *unsupportedFlag) Set(string) error {
	*v.used = append(*v.used, v.opt)
	return nil
}

// addUnsupportedFlags registers every unsupported option as a hidden flag
// whose use is appended to used.
func addUnsupportedFlags(fs *pflag.FlagSet, used *[]unsupportedOption) {
	for _, u := range unsupportedOptions {
		long := u.long
		if long == "" {
			long = "unsupported-" + u.short // pflag needs a long name
		}
		f := fs.VarPF(&unsupportedFlag{opt: u, used: used}, long, u.short, "not supported yet")
		if !u.arg {
			f.NoOptDefVal = "true"
		}
		f.Hidden = true
	}
}

// unsupportedError is the usage error for the first unsupported option used.
func unsupportedError(used []unsupportedOption) error {
	if len(used) == 0 {
		return nil
	}
	u := used[0]
	if u.hint != "" {
		return usagef("ferry: %s is not supported yet (%s)", u.name(), u.hint)
	}
	return usagef("ferry: %s is not supported yet", u.name())
}
