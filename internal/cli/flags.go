package cli

import (
	"time"

	"github.com/ferrysync/ferry"
	"github.com/spf13/pflag"
)

// syncOptions are the options of "ferry [OPTIONS] SRC... DEST".
type syncOptions struct {
	sync ferry.Options // handed to the engine; starts as ferry.DefaultOptions

	// Operands, as given (trailing slashes matter).
	srcs []string
	dst  string
	list string // a daemon address without a module: list its modules

	// Output.
	verbose  int
	quiet    bool
	itemize  bool
	stats    bool
	progress bool // --progress: one overall line on stderr (progress.go)
	json     bool // --json: one JSON object per event on stdout (json.go)

	// Commands that print and exit.
	help    bool
	version bool

	// Raw values resolved by finish.
	filters     []filterArg         // every filter option, in order
	timeout     int                 // --timeout, seconds
	partial     bool                // --partial
	unsupported []unsupportedOption // rsync options used that ferry lacks

	engine engine // the engine to run; not a flag
}

// newSyncOptions returns options with ferry's defaults (archive mode).
func newSyncOptions() *syncOptions {
	return &syncOptions{sync: ferry.DefaultOptions(), engine: defaultEngine()}
}

// AddFlags binds o's fields to rsync-spelled flags in fs.
func (o *syncOptions) AddFlags(fs *pflag.FlagSet) {
	p := &o.sync

	// Output.
	fs.CountVarP(&o.verbose, "verbose", "v", "increase verbosity")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "suppress non-error messages")
	fs.BoolVarP(&o.itemize, "itemize-changes", "i", false, "output a change-summary for all updates")
	fs.BoolVar(&o.stats, "stats", false, "give some file-transfer stats")
	fs.BoolVar(&o.progress, "progress", false, "show one overall progress line on stderr")
	boolFlag(fs, &setBools{targets: []*bool{&o.partial, &o.progress}, on: true}, "P", "P", "same as --partial --progress")
	fs.BoolVar(&o.json, "json", false, "write events as JSON lines to stdout")
	fs.BoolVarP(&p.DryRun, "dry-run", "n", false, "perform a trial run with no changes made")
	fs.BoolVarP(&o.help, "help", "h", false, "show this help")
	fs.BoolVarP(&o.version, "version", "V", false, "print the version and exit")

	// Archive mode and its parts.
	boolFlag(fs, &archiveFlag{opts: p, defaults: *p}, "archive", "a", "archive mode, -rlptgoD (the default)")
	onOff(fs, &p.Recursive, "recursive", "r", "recurse into directories", "no-recursive", "no-r")
	onOff(fs, &p.Links, "links", "l", "copy symlinks as symlinks", "no-links", "no-l")
	onOff(fs, &p.Perms, "perms", "p", "preserve permissions", "no-perms", "no-p")
	onOff(fs, &p.Times, "times", "t", "preserve modification times", "no-times", "no-t")
	onOff(fs, &p.Group, "group", "g", "preserve group", "no-group", "no-g")
	onOff(fs, &p.Owner, "owner", "o", "preserve owner (super-user only)", "no-owner", "no-o")
	onOff(fs, &p.Devices, "devices", "", "preserve device files (super-user only)", "no-devices")
	onOff(fs, &p.Specials, "specials", "", "preserve special files", "no-specials")
	boolFlag(fs, &setBools{targets: []*bool{&p.Devices, &p.Specials}, on: true}, "D", "D", "same as --devices --specials")
	boolFlag(fs, &setBools{targets: []*bool{&p.Devices, &p.Specials}, on: false}, "no-D", "", "same as --no-devices --no-specials")
	onOff(fs, &p.HardLinks, "hard-links", "H", "preserve hard links", "no-hard-links", "no-H")
	fs.BoolVar(&p.NumericIDs, "numeric-ids", false, "don't map uid/gid values by user/group name")

	// Transfer choices.
	fs.BoolVarP(&p.Checksum, "checksum", "c", false, "skip based on checksum, not mod-time & size")
	fs.BoolVar(&p.SizeOnly, "size-only", false, "skip files that match in size")
	fs.BoolVar(&p.IgnoreExisting, "ignore-existing", false, "skip updating files that exist on receiver")
	fs.BoolVarP(&p.Update, "update", "u", false, "skip files that are newer on the receiver")
	boolFlag(fs, &wholeFileFlag{opts: p, on: true}, "whole-file", "W", "copy files whole (w/o delta-xfer algorithm)")
	boolFlag(fs, &wholeFileFlag{opts: p}, "no-whole-file", "", "use the delta-xfer algorithm, also between local paths")
	boolFlag(fs, &wholeFileFlag{opts: p}, "no-W", "", "turn off --whole-file")
	fs.Lookup("no-W").Hidden = true
	_ = fs.SetAnnotation("no-whole-file", aliasAnnotation, []string{"no-W"})
	fs.BoolVar(&p.Inplace, "inplace", false, "update destination files in-place")
	fs.BoolVar(&o.partial, "partial", false, "keep partially transferred files (ferry always does)")
	fs.StringVar(&p.PartialDir, "partial-dir", "", "put a partially transferred file into `DIR`")
	fs.BoolVarP(&p.OneFileSystem, "one-file-system", "x", false, "don't cross filesystem boundaries")
	fs.BoolVar(&p.MkPath, "mkpath", false, "create destination's missing path components")

	// Backups and basis directories.
	fs.BoolVarP(&p.Backup, "backup", "b", false, "make backups of replaced and deleted files (see --suffix & --backup-dir)")
	fs.StringVar(&p.BackupDir, "backup-dir", "", "make backups into hierarchy based in `DIR` (implies --backup)")
	fs.StringVar(&p.Suffix, "suffix", "", "backup `SUFFIX` (default ~ w/o --backup-dir)")
	fs.StringArrayVar(&p.CompareDest, "compare-dest", nil, "also compare destination files relative to `DIR`")
	fs.StringArrayVar(&p.CopyDest, "copy-dest", nil, "like --compare-dest, but copy unchanged files from `DIR`")
	fs.StringArrayVar(&p.LinkDest, "link-dest", nil, "hardlink to files in `DIR` when unchanged")

	// Deletion and filters.
	fs.BoolVar(&p.Delete, "delete", false, "delete extraneous files from dest dirs")
	boolFlag(fs, &setBools{targets: []*bool{&p.Delete}, on: true}, "del", "", "an alias for --delete")
	boolFlag(fs, &setBools{targets: []*bool{&p.Delete}, on: true}, "delete-during", "", "an alias for --delete")
	fs.BoolVar(&p.DeleteExcluded, "delete-excluded", false, "also delete excluded files from dest dirs (implies --delete)")
	fs.VarP(&filterFlag{list: &o.filters, kind: filterRule}, "filter", "f", "add a file-filtering `RULE`")
	fs.Var(&filterFlag{list: &o.filters, kind: filterExclude}, "exclude", "exclude files matching `PATTERN`")
	fs.Var(&filterFlag{list: &o.filters, kind: filterExcludeFrom}, "exclude-from", "read exclude patterns from `FILE` (- for stdin)")
	fs.Var(&filterFlag{list: &o.filters, kind: filterInclude}, "include", "don't exclude files matching `PATTERN`")
	fs.Var(&filterFlag{list: &o.filters, kind: filterIncludeFrom}, "include-from", "read include patterns from `FILE` (- for stdin)")

	// Remote side.
	fs.StringVarP(&p.RemoteShell, "rsh", "e", "", "remote shell `COMMAND` for HOST:PATH operands")
	fs.StringVar(&p.FerryPath, "ferry-path", "", "ferry `PROGRAM` to run on the remote machine")
	fs.Var(&seconds{n: &o.timeout}, "timeout", "drop a peer silent for `SECONDS` (0: never)")
	fs.BoolVarP(&p.Compress, "compress", "z", false, "compress file data during the transfer (zstd)")
	fs.Var(&compressLevelFlag{level: &p.CompressLevel, compress: &p.Compress}, "compress-level", "explicitly set zstd compression level `NUM` (1-22; implies -z)")
	fs.Var(&skipCompressFlag{list: &p.SkipCompress}, "skip-compress", "skip compressing files with a suffix in `LIST` (e.g. gz/jpg/mp[34])")
	fs.Var(&bwlimitFlag{n: &p.BWLimit}, "bwlimit", "limit socket I/O bandwidth to `RATE` (KiB/s; suffixes K, M, G; 0: no limit)")
	fs.StringVar(&p.PasswordFile, "password-file", "", "read the daemon module password from `FILE` (default: $FERRY_PASSWORD)")
	fs.StringVar(&p.TLSCAFile, "tls-ca", "", "verify a ferrys:// daemon with the PEM roots in `FILE`")
	fs.StringVar(&p.TLSFingerprint, "tls-fingerprint", "", "pin a ferrys:// daemon's certificate by `sha256:HEX` fingerprint")

	addUnsupportedFlags(fs, &o.unsupported)
}

// boolFlag defines a value-less flag backed by v.
func boolFlag(fs *pflag.FlagSet, v pflag.Value, name, short, usage string) {
	fs.VarPF(v, name, short, usage).NoOptDefVal = "true"
}

// onOff defines --name/-short turning *p on and --no-name (and its hidden
// short aliases) turning it off; the last one given wins.
func onOff(fs *pflag.FlagSet, p *bool, name, short, usage string, offNames ...string) {
	fs.BoolVarP(p, name, short, *p, usage)
	for i, off := range offNames {
		boolFlag(fs, &setBools{targets: []*bool{p}, on: false}, off, "", "turn off --"+name)
		if i > 0 {
			fs.Lookup(off).Hidden = true
		}
	}
	if len(offNames) > 1 {
		_ = fs.SetAnnotation(offNames[0], aliasAnnotation, offNames[1:])
	}
}

// timeoutDuration is --timeout as a duration.
func (o *syncOptions) timeoutDuration() time.Duration {
	return time.Duration(o.timeout) * time.Second
}
