package cli

import (
	"fmt"
	"io"
	"strings"
)

// infoFlags lists the --info words ferry understands, with what each does
// (rsync's names; a trailing digit is the level).
var infoFlags = []struct{ name, help string }{
	{"progress", "progress1: the overall progress line (ferry has no per-file one); progress2: the same"},
	{"name", "name0: no file names; name1/name2: names of updated files (as -v)"},
	{"stats", "stats0: no totals; stats1-3: the --stats totals"},
	{"del", "del1: deletions are named with the names (as -v)"},
}

// applyInfo applies a comma-separated --info value. HELP lists the words;
// a word ferry does not implement is refused by name.
func (o *syncOptions) applyInfo(v string, stdout io.Writer) (help bool, err error) {
	for _, w := range strings.Split(v, ",") {
		word := strings.ToLower(strings.TrimRight(w, "0123456789"))
		level := 1
		if d := strings.TrimPrefix(strings.ToLower(w), word); d != "" {
			fmt.Sscanf(d, "%d", &level)
		}
		switch word {
		case "help":
			fmt.Fprintln(stdout, "Use OPT or OPT1 for level 1 output, OPT2 for level 2, etc.; OPT0 silences.")
			for _, f := range infoFlags {
				fmt.Fprintf(stdout, "%-9s %s\n", strings.ToUpper(f.name), f.help)
			}
			return true, nil
		case "none":
			o.progress, o.stats, o.verbose = false, false, 0
		case "all":
			o.progress, o.stats = true, true
			o.verbose = max(o.verbose, 1)
		case "progress":
			o.progress = level > 0
		case "name", "del":
			if level == 0 {
				o.verbose = 0
			} else {
				o.verbose = max(o.verbose, 1)
			}
		case "stats":
			o.stats = level > 0
		case "":
		default:
			return false, usagef("ferry: --info=%s is not supported yet (--info=help lists what is)", w)
		}
	}
	return false, nil
}

// applyDebug accepts --debug=NONE (and HELP); rsync's debugging output is
// not ferry's, so every other word is refused by name.
func applyDebug(v string, stdout io.Writer) (help bool, err error) {
	for _, w := range strings.Split(v, ",") {
		switch strings.ToLower(w) {
		case "none", "":
		case "help":
			fmt.Fprintln(stdout, "ferry has no rsync debug output: --debug accepts NONE only.")
			return true, nil
		default:
			return false, usagef("ferry: --debug=%s is not supported (--debug accepts NONE)", w)
		}
	}
	return false, nil
}
