package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/ferrysync/ferry/internal/tree"

	"github.com/ferrysync/ferry/internal/fsys"
)

// resolveFilters turns the filter options, in command-line order, into
// rsync rule strings: "- PAT" for excludes, "+ PAT" for includes, the raw
// rule for --filter. FILE operands of --exclude-from/--include-from are
// read here ("-" reads stdin).
func resolveFilters(args []filterArg, stdin io.Reader) ([]string, error) {
	var rules []string
	for _, a := range args {
		switch a.kind {
		case filterExclude:
			rules = append(rules, patternRule(a.value, "- "))
		case filterInclude:
			rules = append(rules, patternRule(a.value, "+ "))
		case filterRule:
			rule := strings.TrimSpace(a.value)
			if rule == "" {
				return nil, usagef("ferry: --filter: empty rule")
			}
			rules = append(rules, rule)
		case filterExcludeFrom, filterIncludeFrom:
			prefix, opt := "- ", "--exclude-from"
			if a.kind == filterIncludeFrom {
				prefix, opt = "+ ", "--include-from"
			}
			pats, err := readPatterns(a.value, stdin)
			if err != nil {
				return nil, &fileSelectError{fmt.Errorf("%s: %w", opt, err)}
			}
			for _, p := range pats {
				rules = append(rules, patternRule(p, prefix))
			}
		}
	}
	return expandRules(rules)
}

// expandRules checks the rules and reads what merge rules and "-C" name
// on this machine (tree.ExpandRules): rsync exits 1 for a bad rule, 11
// for a merge file it cannot open.
func expandRules(rules []string) ([]string, error) {
	home, _ := os.UserHomeDir()
	out, err := tree.ExpandRules(rules, tree.ExpandEnv{Home: home, CVSIgnore: os.Getenv("CVSIGNORE")})
	var pe *fs.PathError
	switch {
	case err == nil:
		return out, nil
	case errors.Is(err, tree.ErrBadRule), errors.Is(err, tree.ErrUnsupportedRule):
		return nil, usagef("ferry: --filter: %v", err)
	case errors.As(err, &pe):
		return nil, &mergeFileError{err}
	}
	return nil, err
}

// mergeFileError is a merge file that cannot be read. It maps to ExitIO,
// as in rsync.
type mergeFileError struct{ err error }

func (e *mergeFileError) Error() string { return "ferry: " + e.err.Error() }
func (e *mergeFileError) Unwrap() error { return e.err }

// ExitCode reports ExitIO.
func (e *mergeFileError) ExitCode() int { return ExitIO }

// patternRule makes a rule of an --exclude/--include pattern. As in rsync,
// a pattern may carry its own "+ " or "- " prefix, and "!" clears the list.
func patternRule(pat, prefix string) string {
	if pat == "!" || strings.HasPrefix(pat, "+ ") || strings.HasPrefix(pat, "- ") {
		return pat
	}
	return prefix + pat
}

// readPatterns reads one pattern per line from name ("-": stdin), skipping
// blank lines and lines starting with '#' or ';'.
func readPatterns(name string, stdin io.Reader) ([]string, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := fsys.OpenFileTrusted(name) // a symlink on the way: root's or ours only
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	} else if stdin == nil {
		return nil, nil
	}
	return scanPatterns(r)
}

// scanPatterns splits r into patterns, one per line.
func scanPatterns(r io.Reader) ([]string, error) {
	var pats []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		pats = append(pats, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read patterns: %w", err)
	}
	return pats, nil
}

// fileSelectError is a failure to open a file named on the command line.
// It maps to ExitFileSelect.
type fileSelectError struct{ err error }

func (e *fileSelectError) Error() string { return "ferry: " + e.err.Error() }
func (e *fileSelectError) Unwrap() error { return e.err }

// ExitCode reports ExitFileSelect.
func (e *fileSelectError) ExitCode() int { return ExitFileSelect }
