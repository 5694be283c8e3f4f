package cli

import (
	"os"
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
	// human is rsync's --human-readable level (numbers.go): 0 digits,
	// 1 (the default) thousands separators, 2 units of 1000, 3 of 1024.
	human int

	// --out-format, --log-file, --info, --debug (outformat.go, logfile.go,
	// info.go).
	outFormat, logFile, logFormat string
	info, debug                   []string
	outFmt                        *outFormat // parsed --out-format
	logFmt                        *outFormat // parsed --log-file-format
	infoHelp, debugHelp           bool       // --info=help, --debug=help

	// Commands that print and exit.
	help    bool
	version bool

	// Raw values resolved by finish.
	filters     []filterArg // every filter option, in order
	cvsExclude  bool        // -C: rsync's CVS rules after all the others
	timeout     int         // --timeout, seconds
	contimeout  int         // --contimeout, seconds
	partial     bool        // --partial
	filesFrom   string      // --files-from FILE ("-": stdin)
	chown       string      // --chown USER:GROUP
	shard       string      // --shard K/N
	recursiveOn bool        // -r/--recursive given explicitly (not only through -a)
	// filesFromFile is the open --files-from file, closed after the run.
	filesFromFile *os.File
	unsupported   []unsupportedOption // rsync options used that ferry lacks
	deleteWhen    []string            // the --delete-WHEN options given, for the conflict check

	engine engine // the engine to run; not a flag

	swarm swarmFlags // --swarm, --mirror, --swarm-key (swarm.go)
}

// newSyncOptions returns options with ferry's defaults (archive mode).
func newSyncOptions() *syncOptions {
	return &syncOptions{sync: ferry.DefaultOptions(), engine: defaultEngine(), human: humanCommas}
}

// AddFlags binds o's fields to rsync-spelled flags in fs.
func (o *syncOptions) AddFlags(fs *pflag.FlagSet) {
	p := &o.sync

	o.addSwarmFlags(fs)

	// Output.
	fs.CountVarP(&o.verbose, "verbose", "v", "increase verbosity")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "suppress non-error messages")
	fs.BoolVarP(&o.itemize, "itemize-changes", "i", false, "output a change-summary for all updates")
	fs.BoolVar(&o.stats, "stats", false, "give some file-transfer stats")
	fs.BoolVar(&o.progress, "progress", false, "show one overall progress line on stderr")
	boolFlag(fs, &setBools{targets: []*bool{&o.partial, &o.progress}, on: true}, "P", "P", "same as --partial --progress")
	fs.BoolVar(&o.json, "json", false, "write events as JSON lines to stdout")
	fs.StringVar(&o.outFormat, "out-format", "", "output updates using the specified `FORMAT` (%n %i %l %o %b %t %L %p %M %f)")
	fs.StringVar(&o.logFile, "log-file", "", "log what we're doing to the specified `FILE`")
	fs.StringVar(&o.logFormat, "log-file-format", "", "log updates using the specified `FMT` (default \"%i %n%L\")")
	fs.StringArrayVar(&o.info, "info", nil, "fine-grained informational verbosity (`FLAGS`: progress2, name, stats, NONE, HELP)")
	fs.StringArrayVar(&o.debug, "debug", nil, "fine-grained debug verbosity (`FLAGS`: NONE only)")
	fs.BoolVarP(&p.DryRun, "dry-run", "n", false, "perform a trial run with no changes made")
	fs.BoolVar(&p.ListOnly, "list-only", false, "list the files instead of copying them (also: ferry SRC)")
	boolFlag(fs, &humanFlag{level: &o.human, inc: true}, "human-readable", "h", "sizes in units of 1000 with K, M, G (-hh: of 1024) in --stats, -v, --progress")
	boolFlag(fs, &humanFlag{level: &o.human}, "no-human-readable", "", "numbers as plain digits (the default has thousands separators)")
	boolFlag(fs, &humanFlag{level: &o.human}, "no-h", "", "numbers as plain digits (the default has thousands separators)")
	fs.Lookup("no-h").Hidden = true
	_ = fs.SetAnnotation("no-human-readable", aliasAnnotation, []string{"no-h"})
	fs.BoolVar(&o.help, "help", false, "show this help (so does -h on its own)")
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
	fs.StringArrayVar(&p.Chmod, "chmod", nil, "affect file and/or directory permissions (`CHMOD`, e.g. D755,F644 or ug+rwX)")
	fs.StringVar(&o.chown, "chown", "", "simple username/groupname mapping (`USER:GROUP`)")
	fs.StringVar(&p.UserMap, "usermap", "", "custom username mapping (`STRING`: FROM:TO,...)")
	fs.StringVar(&p.GroupMap, "groupmap", "", "custom groupname mapping (`STRING`: FROM:TO,...)")
	onOff(fs, &p.ACLs, "acls", "A", "preserve POSIX ACLs (implies --perms)", "no-acls", "no-A")
	onOff(fs, &p.Xattrs, "xattrs", "X", "preserve extended attributes", "no-xattrs", "no-X")
	fs.BoolVarP(&p.CopyLinks, "copy-links", "L", false, "transform symlink into referent file/dir")
	fs.BoolVar(&p.CopyUnsafeLinks, "copy-unsafe-links", false, "only \"unsafe\" symlinks are transformed")
	fs.BoolVar(&p.SafeLinks, "safe-links", false, "ignore symlinks that point outside the tree")
	fs.BoolVarP(&p.CopyDirLinks, "copy-dirlinks", "k", false, "transform symlink to a dir into referent dir")
	fs.BoolVarP(&p.KeepDirLinks, "keep-dirlinks", "K", false, "treat symlinked dir on receiver as dir (inside DEST only)")

	// Transfer choices.
	fs.BoolVarP(&p.Checksum, "checksum", "c", false, "skip based on checksum, not mod-time & size")
	fs.BoolVar(&p.SizeOnly, "size-only", false, "skip files that match in size")
	fs.BoolVar(&p.IgnoreExisting, "ignore-existing", false, "skip updating files that exist on receiver")
	fs.BoolVarP(&p.Update, "update", "u", false, "skip files that are newer on the receiver")
	fs.BoolVar(&p.Existing, "existing", false, "skip creating new files on receiver (alias --ignore-non-existing)")
	boolFlag(fs, &setBools{targets: []*bool{&p.Existing}, on: true}, "ignore-non-existing", "", "an alias for --existing")
	fs.Lookup("ignore-non-existing").Hidden = true
	fs.Var(&fileSizeFlag{n: &p.MaxSize, max: true}, "max-size", "don't transfer any file larger than `SIZE` (K, M, G; KB=1000; +1/-1)")
	fs.Var(&fileSizeFlag{n: &p.MinSize}, "min-size", "don't transfer any file smaller than `SIZE`")
	fs.BoolVarP(&p.IgnoreTimes, "ignore-times", "I", false, "don't skip files that match size and time")
	fs.IntVarP(&p.ModifyWindow, "modify-window", "@", p.ModifyWindow, "mod-times equal within `NUM` seconds (negative: to the ns, the default)")
	boolFlag(fs, &wholeFileFlag{opts: p, on: true}, "whole-file", "W", "copy files whole (w/o delta-xfer algorithm)")
	boolFlag(fs, &wholeFileFlag{opts: p}, "no-whole-file", "", "use the delta-xfer algorithm, also between local paths")
	boolFlag(fs, &wholeFileFlag{opts: p}, "no-W", "", "turn off --whole-file")
	fs.Lookup("no-W").Hidden = true
	_ = fs.SetAnnotation("no-whole-file", aliasAnnotation, []string{"no-W"})
	fs.BoolVar(&p.Inplace, "inplace", false, "update destination files in-place")
	onOff(fs, &p.Sparse, "sparse", "S", "turn sequences of nulls into sparse blocks", "no-sparse", "no-S")
	fs.BoolVar(&p.Preallocate, "preallocate", false, "allocate dest files before writing them")
	fs.BoolVarP(&p.Fuzzy, "fuzzy", "y", false, "find similar file for basis if no dest file")
	fs.BoolVar(&o.partial, "partial", false, "keep partially transferred files (ferry always does)")
	fs.StringVar(&p.PartialDir, "partial-dir", "", "put a partially transferred file into `DIR`")
	fs.BoolVar(&p.DelayUpdates, "delay-updates", false, "put all updated files into place at transfer's end")
	fs.StringVarP(&p.TempDir, "temp-dir", "T", "", "create temporary files in directory `DIR`")
	fs.StringVar(&o.shard, "shard", "", "handle only shard `K/N` of the tree (0 <= K < N; docs/COOPERATION.md)")
	fs.IntVar(&p.Parallel, "parallel", 0, "run `N` shards at once over N connections")
	fs.BoolVar(&p.Cooperate, "cooperate", false, "claim files in DEST so that several ferry processes share the work")
	fs.BoolVarP(&p.OneFileSystem, "one-file-system", "x", false, "don't cross filesystem boundaries")
	fs.BoolVar(&p.MkPath, "mkpath", false, "create destination's missing path components")
	onOff(fs, &p.Relative, "relative", "R", "use relative path names", "no-relative", "no-R")
	fs.BoolVar(&p.NoImpliedDirs, "no-implied-dirs", false, "don't send implied dirs with --relative")
	fs.StringVar(&o.filesFrom, "files-from", "", "read the list of source-file names from `FILE` (- for stdin)")
	fs.BoolVarP(&p.From0, "from0", "0", false, "--files-from names end with NUL, not newline")

	// Backups and basis directories.
	fs.BoolVarP(&p.Backup, "backup", "b", false, "make backups of replaced and deleted files (see --suffix & --backup-dir)")
	fs.StringVar(&p.BackupDir, "backup-dir", "", "make backups into hierarchy based in `DIR` (implies --backup)")
	fs.StringVar(&p.Suffix, "suffix", "", "backup `SUFFIX` (default ~ w/o --backup-dir)")
	fs.StringArrayVar(&p.CompareDest, "compare-dest", nil, "also compare destination files relative to `DIR`")
	fs.StringArrayVar(&p.CopyDest, "copy-dest", nil, "like --compare-dest, but copy unchanged files from `DIR`")
	fs.StringArrayVar(&p.LinkDest, "link-dest", nil, "hardlink to files in `DIR` when unchanged")

	// Deletion and filters.
	fs.BoolVar(&p.Delete, "delete", false, "delete extraneous files from dest dirs")
	boolFlag(fs, &deleteTimingFlag{o: o, when: ferry.DeleteDuring, name: "--delete-during"}, "del", "", "an alias for --delete-during")
	boolFlag(fs, &deleteTimingFlag{o: o, when: ferry.DeleteBefore, name: "--delete-before"}, "delete-before", "", "receiver deletes before transfer, not during")
	boolFlag(fs, &deleteTimingFlag{o: o, when: ferry.DeleteDuring, name: "--delete-during"}, "delete-during", "", "receiver deletes during the transfer (the default)")
	boolFlag(fs, &deleteTimingFlag{o: o, when: ferry.DeleteDelay, name: "--delete-delay"}, "delete-delay", "", "find deletions during, delete after")
	boolFlag(fs, &deleteTimingFlag{o: o, when: ferry.DeleteAfter, name: "--delete-after"}, "delete-after", "", "receiver deletes after transfer, not during")
	fs.BoolVar(&p.DeleteExcluded, "delete-excluded", false, "also delete excluded files from dest dirs (implies --delete)")
	fs.BoolVar(&p.IgnoreErrors, "ignore-errors", false, "delete even if there are I/O errors")
	fs.BoolVar(&p.Force, "force", false, "force deletion of directories even if not empty")
	fs.BoolVar(&p.RemoveSource, "remove-source-files", false, "sender removes synchronized files (non-dir)")
	fs.Var(&maxDeleteFlag{n: &p.MaxDelete}, "max-delete", "don't delete more than `NUM` files (0: none, warn)")
	fs.VarP(&filterFlag{list: &o.filters, kind: filterRule}, "filter", "f", "add a file-filtering `RULE`")
	fs.Var(&filterFlag{list: &o.filters, kind: filterExclude}, "exclude", "exclude files matching `PATTERN`")
	fs.Var(&filterFlag{list: &o.filters, kind: filterExcludeFrom}, "exclude-from", "read exclude patterns from `FILE` (- for stdin)")
	fs.Var(&filterFlag{list: &o.filters, kind: filterInclude}, "include", "don't exclude files matching `PATTERN`")
	fs.Var(&filterFlag{list: &o.filters, kind: filterIncludeFrom}, "include-from", "read include patterns from `FILE` (- for stdin)")
	boolFlag(fs, &dashF{list: &o.filters}, "F", "F", "same as --filter='dir-merge /.rsync-filter'; repeated: --filter='- .rsync-filter'")
	fs.BoolVarP(&o.cvsExclude, "cvs-exclude", "C", false, "auto-ignore files in the same way CVS does")
	fs.BoolVarP(&p.PruneEmptyDirs, "prune-empty-dirs", "m", false, "prune empty directory chains from the file list")

	// Remote side.
	fs.StringVarP(&p.RemoteShell, "rsh", "e", "", "remote shell `COMMAND` for HOST:PATH operands")
	fs.StringVar(&p.FerryPath, "ferry-path", "", "ferry `PROGRAM` to run on the remote machine")
	fs.Var(&seconds{n: &o.timeout}, "timeout", "drop a peer silent for `SECONDS` (0: never)")
	fs.BoolVarP(&p.Compress, "compress", "z", false, "compress file data during the transfer (zstd)")
	fs.Var(&compressLevelFlag{level: &p.CompressLevel, compress: &p.Compress}, "compress-level", "explicitly set zstd compression level `NUM` (1-22; implies -z)")
	fs.Var(&skipCompressFlag{list: &p.SkipCompress}, "skip-compress", "skip compressing files with a suffix in `LIST` (e.g. gz/jpg/mp[34])")
	fs.Var(&bwlimitFlag{n: &p.BWLimit}, "bwlimit", "limit socket I/O bandwidth to `RATE` (KiB/s; suffixes K, M, G; 0: no limit)")
	fs.IntVar(&p.Port, "port", 0, "connect to a daemon on `PORT` when the address names none")
	fs.Var(&seconds{n: &o.contimeout}, "contimeout", "give up connecting to a daemon after `SECONDS`")
	fs.StringVar(&p.PasswordFile, "password-file", "", "read the daemon module password from `FILE` (default: $FERRY_PASSWORD)")
	fs.StringVar(&p.TLSCAFile, "tls-ca", "", "verify a ferrys:// daemon with the PEM roots in `FILE`")
	fs.StringVar(&p.TLSFingerprint, "tls-fingerprint", "", "pin a ferrys:// daemon's certificate by `sha256:HEX` fingerprint")
	fs.BoolVar(&p.NoRedirect, "no-redirect", false, "refuse a daemon's redirect to another address (exit 16)")

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
