package cli

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ferrysync/ferry"
)

func TestParseSyncOptions(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     func(o *ferry.Options)
		srcs     []string
		dst      string
		verbose  int
		itemize  bool
		quiet    bool
		stats    bool
		partials bool
	}{
		{name: "defaults are archive mode", args: []string{"a", "b"},
			want: func(o *ferry.Options) {}, srcs: []string{"a"}, dst: "b"},
		{name: "bundled -avn", args: []string{"-avn", "src/", "dst"},
			want: func(o *ferry.Options) { o.DryRun = true }, srcs: []string{"src/"}, dst: "dst", verbose: 1},
		{name: "repeated verbose", args: []string{"-vv", "-v", "a", "b"},
			want: func(o *ferry.Options) {}, srcs: []string{"a"}, dst: "b", verbose: 3},
		{name: "quiet wins over verbose", args: []string{"-vq", "a", "b"},
			want: func(o *ferry.Options) {}, srcs: []string{"a"}, dst: "b", quiet: true},
		{name: "trailing slashes preserved, many sources", args: []string{"x/", "y", "z//", "host:dst/"},
			want: func(o *ferry.Options) {}, srcs: []string{"x/", "y", "z//"}, dst: "host:dst/"},
		{name: "options after operands", args: []string{"a", "b", "--delete", "-i"},
			want: func(o *ferry.Options) { o.Delete = true }, srcs: []string{"a"}, dst: "b", itemize: true},
		{name: "double dash ends options", args: []string{"-n", "--", "-weird", "--delete"},
			want: func(o *ferry.Options) { o.DryRun = true }, srcs: []string{"-weird"}, dst: "--delete"},
		{name: "no-star turn parts off", args: []string{"--no-perms", "--no-t", "--no-recursive", "--no-links", "--no-owner", "--no-group", "--no-D", "a", "b"},
			want: func(o *ferry.Options) {
				o.Perms, o.Times, o.Recursive, o.Links, o.Owner, o.Group, o.Devices, o.Specials = false, false, false, false, false, false, false, false
			}, srcs: []string{"a"}, dst: "b"},
		{name: "short no aliases", args: []string{"--no-p", "--no-r", "--no-l", "--no-o", "--no-g", "a", "b"},
			want: func(o *ferry.Options) {
				o.Perms, o.Recursive, o.Links, o.Owner, o.Group = false, false, false, false, false
			},
			srcs: []string{"a"}, dst: "b"},
		{name: "last of on and off wins", args: []string{"--no-perms", "-p", "-t", "--no-times", "a", "b"},
			want: func(o *ferry.Options) { o.Times = false }, srcs: []string{"a"}, dst: "b"},
		{name: "archive restores parts turned off before it", args: []string{"--no-perms", "--no-r", "-a", "--no-t", "a", "b"},
			want: func(o *ferry.Options) { o.Times = false }, srcs: []string{"a"}, dst: "b"},
		{name: "parts turned on", args: []string{"--no-D", "--no-o", "--no-g", "-ogD", "a", "b"},
			want: func(o *ferry.Options) { o.Owner, o.Group, o.Devices, o.Specials = true, true, true, true },
			srcs: []string{"a"}, dst: "b"},
		{name: "devices and specials separately", args: []string{"--no-devices", "--no-specials", "--devices", "a", "b"},
			want: func(o *ferry.Options) { o.Devices, o.Specials = true, false }, srcs: []string{"a"}, dst: "b"},
		{name: "transfer choices", args: []string{"-cuWxH", "--size-only", "--ignore-existing", "--inplace", "--numeric-ids", "--mkpath", "a", "b"},
			want: func(o *ferry.Options) {
				o.Checksum, o.Update, o.WholeFile, o.OneFileSystem, o.HardLinks = true, true, true, true, true
				o.SizeOnly, o.IgnoreExisting, o.Inplace, o.NumericIDs, o.MkPath = true, true, true, true, true
			}, srcs: []string{"a"}, dst: "b"},
		{name: "no-whole-file after -W", args: []string{"-W", "--no-whole-file", "a", "b"},
			want: func(o *ferry.Options) { o.DeltaLocal = true }, srcs: []string{"a"}, dst: "b"},
		{name: "no-W alias", args: []string{"--no-W", "a", "b"},
			want: func(o *ferry.Options) { o.DeltaLocal = true }, srcs: []string{"a"}, dst: "b"},
		{name: "-W after no-whole-file", args: []string{"--no-whole-file", "-W", "a", "b"},
			want: func(o *ferry.Options) { o.WholeFile = true }, srcs: []string{"a"}, dst: "b"},
		{name: "delete-excluded implies delete", args: []string{"--delete-excluded", "a", "b"},
			want: func(o *ferry.Options) { o.Delete, o.DeleteExcluded = true, true }, srcs: []string{"a"}, dst: "b"},
		{name: "del alias", args: []string{"--del", "a", "b"},
			want: func(o *ferry.Options) { o.Delete = true }, srcs: []string{"a"}, dst: "b"},
		{name: "delete timings imply delete", args: []string{"--delete-after", "--delete-after", "a", "b"},
			want: func(o *ferry.Options) { o.Delete, o.DeleteTiming = true, ferry.DeleteAfter }, srcs: []string{"a"}, dst: "b"},
		{name: "delete-before", args: []string{"--delete-before", "a", "b"},
			want: func(o *ferry.Options) { o.Delete, o.DeleteTiming = true, ferry.DeleteBefore }, srcs: []string{"a"}, dst: "b"},
		{name: "delete-delay with delete", args: []string{"--delete", "--delete-delay", "a", "b"},
			want: func(o *ferry.Options) { o.Delete, o.DeleteTiming = true, ferry.DeleteDelay }, srcs: []string{"a"}, dst: "b"},
		{name: "deletion options", args: []string{"--max-delete=3", "--force", "--ignore-errors", "a", "b"},
			want: func(o *ferry.Options) { o.MaxDelete, o.Force, o.IgnoreErrors = 3, true, true }, srcs: []string{"a"}, dst: "b"},
		{name: "selection options", args: []string{"--existing", "-I", "--max-size=1K+1", "--min-size=1KB-1", "-@2", "a", "b"},
			want: func(o *ferry.Options) {
				o.Existing, o.IgnoreTimes, o.MaxSize, o.MinSize, o.ModifyWindow = true, true, 1025, 999, 2
			}, srcs: []string{"a"}, dst: "b"},
		{name: "ignore-non-existing, max-size=0, modify-window=0", args: []string{"--ignore-non-existing", "--max-size=0", "--modify-window", "0", "a", "b"},
			want: func(o *ferry.Options) { o.Existing, o.MaxSize, o.ModifyWindow = true, -1, 0 }, srcs: []string{"a"}, dst: "b"},
		{name: "size suffixes", args: []string{"--max-size=1.5M", "--min-size=2GiB", "a", "b"},
			want: func(o *ferry.Options) { o.MaxSize, o.MinSize = 3<<19, 2<<30 }, srcs: []string{"a"}, dst: "b"},
		{name: "max-delete=0 allows none", args: []string{"--max-delete=0", "a", "b"},
			want: func(o *ferry.Options) { o.MaxDelete = -1 }, srcs: []string{"a"}, dst: "b"},
		{name: "negative max-delete allows none", args: []string{"--max-delete=-5", "a", "b"},
			want: func(o *ferry.Options) { o.MaxDelete = -1 }, srcs: []string{"a"}, dst: "b"},
		{name: "filters keep command-line order", args: []string{
			"--exclude=*.o", "--include", "keep.o", "-f", "- /tmp/", "--filter=+ /src/**", "--exclude", "+ plus", "-f-_x", "a", "b"},
			want: func(o *ferry.Options) {
				o.Filters = []string{"- *.o", "+ keep.o", "- /tmp/", "+ /src/**", "+ plus", "-_x"}
			}, srcs: []string{"a"}, dst: "b"},
		{name: "remote shell and paths", args: []string{"-e", "ssh -p 2222", "--ferry-path=/opt/ferry", "--timeout", "30", "h:a", "b"},
			want: func(o *ferry.Options) {
				o.RemoteShell, o.FerryPath, o.Timeout = "ssh -p 2222", "/opt/ferry", 30*time.Second
			}, srcs: []string{"h:a"}, dst: "b"},
		{name: "bundled value -essh", args: []string{"-avessh", "h:a", "b"},
			want: func(o *ferry.Options) { o.RemoteShell = "ssh" }, srcs: []string{"h:a"}, dst: "b", verbose: 1},
		{name: "partial and partial-dir", args: []string{"--partial", "--partial-dir=.p", "a", "b"},
			want: func(o *ferry.Options) { o.PartialDir = ".p" }, srcs: []string{"a"}, dst: "b", partials: true},
		{name: "temp-dir and delay-updates", args: []string{"-T", "/var/tmp", "--delay-updates", "a", "b"},
			want: func(o *ferry.Options) { o.TempDir, o.DelayUpdates = "/var/tmp", true }, srcs: []string{"a"}, dst: "b"},
		{name: "shard, parallel, cooperate", args: []string{"--shard=2/5", "--parallel", "4", "--cooperate", "a", "b"},
			want: func(o *ferry.Options) { o.Shard, o.Shards, o.Parallel, o.Cooperate = 2, 5, 4, true }, srcs: []string{"a"}, dst: "b"},
		{name: "backups", args: []string{"-b", "--backup-dir=../old", "--suffix=.bak", "a", "b"},
			want: func(o *ferry.Options) { o.Backup, o.BackupDir, o.Suffix = true, "../old", ".bak" }, srcs: []string{"a"}, dst: "b"},
		{name: "empty suffix with a backup dir", args: []string{"--backup-dir=bk", "--suffix=", "a", "b"},
			want: func(o *ferry.Options) { o.BackupDir = "bk" }, srcs: []string{"a"}, dst: "b"},
		{name: "link-dest repeated, in order", args: []string{"--link-dest=../p2", "--link-dest", "/abs/p1", "a", "b"},
			want: func(o *ferry.Options) { o.LinkDest = []string{"../p2", "/abs/p1"} }, srcs: []string{"a"}, dst: "b"},
		{name: "compare-dest and copy-dest", args: []string{"--compare-dest=c", "--copy-dest=k", "a", "b"},
			want: func(o *ferry.Options) { o.CompareDest, o.CopyDest = []string{"c"}, []string{"k"} }, srcs: []string{"a"}, dst: "b"},
		{name: "output flags", args: []string{"-i", "--stats", "a", "b"},
			want: func(o *ferry.Options) {}, srcs: []string{"a"}, dst: "b", itemize: true, stats: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseSync(tt.args, strings.NewReader(""))
			if err != nil {
				t.Fatalf("parseSync(%q): %v", tt.args, err)
			}
			want := ferry.DefaultOptions()
			tt.want(&want)
			if !reflect.DeepEqual(o.sync, want) {
				t.Errorf("options:\n got %+v\nwant %+v", o.sync, want)
			}
			if !reflect.DeepEqual(o.srcs, tt.srcs) || o.dst != tt.dst {
				t.Errorf("operands: got %q -> %q, want %q -> %q", o.srcs, o.dst, tt.srcs, tt.dst)
			}
			if o.verbose != tt.verbose || o.itemize != tt.itemize || o.quiet != tt.quiet || o.stats != tt.stats || o.partial != tt.partials {
				t.Errorf("output: verbose=%d itemize=%v quiet=%v stats=%v partial=%v, want %d %v %v %v %v",
					o.verbose, o.itemize, o.quiet, o.stats, o.partial, tt.verbose, tt.itemize, tt.quiet, tt.stats, tt.partials)
			}
		})
	}
}

func TestParseSyncErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // substring of the message
		code int
	}{
		{"no operands", nil, "missing SRC and DEST", ExitUsage},
		{"empty operand", []string{"", "b"}, "empty SRC or DEST", ExitUsage},
		{"unknown long option", []string{"--frobnicate", "a", "b"}, "unknown option --frobnicate", ExitUsage},
		{"unknown short option in a bundle", []string{"-avQ", "a", "b"}, "unknown option -Q", ExitUsage},
		{"unsupported short option", []string{"-avU", "a", "b"}, "--atimes is not supported yet", ExitUsage},
		{"unsupported long option with value", []string{"--max-alloc=100", "a", "b"}, "--max-alloc is not supported yet", ExitUsage},
		{"unsupported option separate value", []string{"--max-alloc", "100", "a", "b"}, "--max-alloc is not supported yet", ExitUsage},
		{"two delete timings", []string{"--delete-before", "--delete-after", "a", "b"}, "you may not combine multiple --delete-WHEN options", ExitUsage},
		{"del and delete-delay", []string{"--del", "--delete-delay", "a", "b"}, "--delete-during, --delete-delay", ExitUsage},
		{"bad max-delete", []string{"--max-delete=many", "a", "b"}, `invalid value "many" for option --max-delete`, ExitUsage},
		{"negative max-size", []string{"--max-size=-1", "a", "b"}, `invalid value "-1" for option --max-size`, ExitUsage},
		{"bad min-size suffix", []string{"--min-size=1X", "a", "b"}, `invalid value "1X" for option --min-size`, ExitUsage},
		{"bad modify-window", []string{"--modify-window=soon", "a", "b"}, `invalid value "soon" for option --modify-window`, ExitUsage},
		{"bad bwlimit", []string{"--bwlimit=fast", "a", "b"}, `invalid value "fast" for option --bwlimit`, ExitUsage},
		{"tiny bwlimit", []string{"--bwlimit=100b", "a", "b"}, `invalid value "100b" for option --bwlimit`, ExitUsage},
		{"bad compress level", []string{"--compress-level=23", "a", "b"}, `invalid value "23" for option --compress-level`, ExitUsage},
		{"bad skip-compress", []string{"--skip-compress=gz/mp[", "a", "b"}, `invalid value "gz/mp[" for option --skip-compress`, ExitUsage},
		{"unsupported filter modifier", []string{"--filter=-x foo", "a", "b"}, "unsupported filter rule", ExitUsage},
		{"bad rule in a merge file", []string{"--filter=merge /dev/null", "--filter=:", "a", "b"}, "missing pattern", ExitUsage},
		{"missing merge file", []string{"--filter=. /nonexistent/rules", "a", "b"}, "/nonexistent/rules", ExitIO},
		{"unsupported with hint", []string{"--rsync-path=x", "a", "b"}, "use --ferry-path", ExitUsage},
		{"missing value", []string{"a", "b", "--exclude"}, "option --exclude requires an argument", ExitUsage},
		{"missing short value", []string{"a", "b", "-e"}, "option -e requires an argument", ExitUsage},
		{"bad timeout", []string{"--timeout=soon", "a", "b"}, `invalid value "soon" for option --timeout`, ExitUsage},
		{"negative timeout", []string{"--timeout=-1", "a", "b"}, "--timeout", ExitUsage},
		{"inplace with partial-dir", []string{"--inplace", "--partial-dir=.p", "a", "b"}, "--inplace cannot be used with --partial-dir", ExitUsage},
		{"inplace with delay-updates", []string{"--inplace", "--delay-updates", "a", "b"}, "--delay-updates cannot be combined with --inplace", ExitUsage},
		{"absolute partial-dir", []string{"--partial-dir=/tmp/p", "a", "b"}, `--partial-dir must be relative (to each file's directory in the destination), not "/tmp/p"`, ExitUsage},
		{"shard not below N", []string{"--shard=3/3", "a", "b"}, "--shard must be K/N", ExitUsage},
		{"shard without N", []string{"--shard=1", "a", "b"}, "--shard must be K/N", ExitUsage},
		{"parallel too large", []string{"--parallel=65", "a", "b"}, "--parallel must be between 1 and 64", ExitUsage},
		{"cooperate with delay-updates", []string{"--cooperate", "--delay-updates", "a", "b"}, "--cooperate cannot be combined with --delay-updates", ExitUsage},
		{"empty filter", []string{"--filter= ", "a", "b"}, "empty rule", ExitUsage},
		{"password-file, local copy", []string{"--password-file=/etc/hostname", "a", "b"}, "--password-file option may only be used when accessing a ferry daemon", ExitUsage},
		{"password-file, ssh", []string{"--password-file=/etc/hostname", "a", "host:b"}, "--password-file option may only be used when accessing a ferry daemon", ExitUsage},
		{"empty suffix without a backup dir", []string{"-b", "--suffix=", "a", "b"}, "--suffix cannot be empty without a --backup-dir", ExitUsage},
		{"missing exclude-from file", []string{"--exclude-from=/nonexistent/ferry-test", "a", "b"}, "--exclude-from", ExitFileSelect},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseSync(tt.args, strings.NewReader(""))
			if err == nil {
				t.Fatalf("parseSync(%q) succeeded, want an error containing %q", tt.args, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if got := exitCode(err); got != tt.code {
				t.Errorf("exit code %d, want %d", got, tt.code)
			}
		})
	}
}
