package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// aliasAnnotation names the pflag annotation listing a flag's hidden
// aliases (--no-perms has --no-p), shown on the flag's help line.
const aliasAnnotation = "ferry-aliases"

// helpGroup is a titled list of flags in --help, grouped like rsync's.
type helpGroup struct {
	title string
	flags []string // long names
}

// helpGroups orders every visible flag in --help; a test checks that none
// is missing.
var helpGroups = []helpGroup{
	{"Output", []string{"verbose", "quiet", "itemize-changes", "dry-run", "list-only",
		"out-format", "log-file", "log-file-format", "info", "debug", "stats", "human-readable", "no-human-readable", "progress", "P", "json"}},
	{"What to preserve (archive mode, -rlptgoD, is the default)", []string{
		"archive", "recursive", "links", "perms", "times", "group", "owner",
		"devices", "specials", "D", "hard-links", "acls", "xattrs", "numeric-ids",
		"chmod", "chown", "usermap", "groupmap"}},
	{"Symlinks", []string{"copy-links", "copy-unsafe-links", "safe-links", "copy-dirlinks", "keep-dirlinks"}},
	{"Turning parts of archive mode off", []string{
		"no-recursive", "no-links", "no-perms", "no-times", "no-group", "no-owner",
		"no-devices", "no-specials", "no-D", "no-hard-links", "no-acls", "no-xattrs"}},
	{"Which files to update, and how", []string{
		"checksum", "size-only", "ignore-times", "modify-window", "ignore-existing", "existing", "update",
		"max-size", "min-size", "one-file-system",
		"whole-file", "no-whole-file", "inplace", "sparse", "no-sparse", "preallocate", "fuzzy", "partial", "partial-dir",
		"delay-updates", "temp-dir", "mkpath",
		"relative", "no-relative", "no-implied-dirs", "files-from", "from0"}},
	{"Sharing one job between processes (docs/COOPERATION.md, docs/SCALE-OUT.md)", []string{"shard", "parallel", "cooperate"}},
	{"Backups and snapshots", []string{"backup", "backup-dir", "suffix", "compare-dest", "copy-dest", "link-dest"}},
	{"Deleting and filtering", []string{
		"delete", "del", "delete-before", "delete-during", "delete-delay", "delete-after", "delete-excluded",
		"ignore-errors", "force", "max-delete", "remove-source-files",
		"filter", "F", "exclude", "exclude-from", "include", "include-from", "cvs-exclude", "prune-empty-dirs"}},
	{"Remote transfers", []string{"rsh", "ferry-path", "timeout", "compress", "compress-level", "skip-compress", "bwlimit",
		"port", "contimeout", "password-file", "tls-ca", "tls-fingerprint", "no-redirect"}},
	{"Many sources", []string{"swarm", "no-swarm", "mirror", "swarm-key", "mirrors", "seed", "seed-address", "seed-time", "seed-until-done"}},
	{"Information", []string{"help", "version"}},
}

const helpHeader = `ferry makes one directory tree like another, locally, over ssh or
through a ferry daemon, moving only what changed.

Usage: ferry [OPTIONS] SRC... DEST
  or   ferry [OPTIONS] SRC... [USER@]HOST:DEST
  or   ferry [OPTIONS] [USER@]HOST:SRC... DEST
  or   ferry [OPTIONS] SRC... ferry://[USER@]HOST[:PORT]/MODULE[/PATH]
  or   ferry [OPTIONS] ferry://[USER@]HOST[:PORT]/MODULE[/PATH] DEST
  or   ferry ferry://HOST[:PORT]/          (list the daemon's modules)
  or   ferry watch [OPTIONS] SRC DEST     (sync, then replicate each change)
  or   ferry serve [--config FILE] [--listen ADDR]...
  or   ferry rdiff signature|delta|patch ARGS...
ferrys:// is a daemon over TLS; HOST::MODULE/PATH is the same as ferry://.

A trailing slash on SRC copies the directory's contents; without it the
directory itself is copied into DEST. Archive mode is on unless turned off.
Options may be bundled (-avn) and take values as --opt=VALUE or --opt VALUE;
"--" ends the options.
`

const helpFooter = `
Exit codes are rsync's: 0 success, 1 usage error, 3 destination not a
directory, 20 interrupted (SIGINT, SIGTERM, SIGHUP), 23 some files failed,
24 some source files vanished, 25 --max-delete stopped deletions,
127 remote ferry not found, 255 ssh failed; see docs/EXIT-CODES.md.
"ferry man" prints the ferry(1) man page, "ferry completion bash|zsh|fish"
a shell completion script, "ferry --version" the release and capabilities.
`

// writeHelp prints --help.
func writeHelp(w io.Writer) {
	fs := newSyncFlagSet(newSyncOptions())
	io.WriteString(w, helpHeader)
	lines := make([][2]string, 0, 64)
	width := 0
	for _, g := range helpGroups {
		for _, name := range g.flags {
			left := helpFlagColumn(fs.Lookup(name))
			width = max(width, len(left))
			lines = append(lines, [2]string{left, helpUsage(fs.Lookup(name))})
		}
	}
	i := 0
	for _, g := range helpGroups {
		fmt.Fprintf(w, "\n%s:\n", g.title)
		for range g.flags {
			fmt.Fprintf(w, "  %-*s  %s\n", width, lines[i][0], lines[i][1])
			i++
		}
	}
	fmt.Fprintf(w, "\nrsync options not supported yet (refused with a message):\n")
	writeWrapped(w, unsupportedNames(), 76)
	io.WriteString(w, helpFooter)
}

// helpFlagColumn is a flag's left column: "-v, --verbose",
// "    --exclude=PATTERN", "-D", "    --no-perms, --no-p".
func helpFlagColumn(f *pflag.Flag) string {
	var b strings.Builder
	switch {
	case f.Name == f.Shorthand:
		b.WriteString("-" + f.Shorthand)
	case f.Shorthand != "":
		b.WriteString("-" + f.Shorthand + ", --" + f.Name)
	default:
		b.WriteString("    --" + f.Name)
	}
	if t := f.Value.Type(); t != "bool" && t != "count" {
		varname, _ := pflag.UnquoteUsage(f)
		if varname == "" {
			varname = strings.ToUpper(t)
		}
		b.WriteString("=" + varname)
	}
	for _, alias := range f.Annotations[aliasAnnotation] {
		b.WriteString(", --" + alias)
	}
	return b.String()
}

// helpUsage is a flag's description with back-quotes removed.
func helpUsage(f *pflag.Flag) string {
	_, usage := pflag.UnquoteUsage(f)
	return usage
}

// unsupportedNames lists the unsupported options as shown in help.
func unsupportedNames() []string {
	names := make([]string, 0, len(unsupportedOptions))
	for _, u := range unsupportedOptions {
		n := u.name()
		if u.long != "" && u.short != "" {
			n = "-" + u.short + "/" + n
		}
		names = append(names, n)
	}
	return names
}

// writeWrapped prints words separated by spaces, indented by two, in lines
// of at most width characters.
func writeWrapped(w io.Writer, words []string, width int) {
	line := " "
	for _, word := range words {
		if len(line)+1+len(word) > width {
			fmt.Fprintln(w, line)
			line = " "
		}
		line += " " + word
	}
	if strings.TrimSpace(line) != "" {
		fmt.Fprintln(w, line)
	}
}
