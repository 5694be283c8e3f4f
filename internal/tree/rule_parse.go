package tree

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// longRuleNames maps rsync's long rule names to their short forms.
var longRuleNames = map[string]byte{
	"exclude":   '-',
	"include":   '+',
	"clear":     '!',
	"merge":     '.',
	"dir-merge": ':',
	"hide":      'H',
	"show":      'S',
	"protect":   'P',
	"risk":      'R',
}

// ParseRule parses one filter rule in rsync's syntax (--filter):
//
//   - PATTERN     exclude PATTERN
//   - PATTERN     include PATTERN
//     -! PATTERN    exclude,! PATTERN   (applies when PATTERN does not match)
//     !             clear
//
// The rule name is followed by a single space or an underscore ("-_*.o");
// further spaces belong to the pattern. The "!" modifier is supported; the
// other modifiers ("/", "s", "r", "p", "x", "C"), merge and dir-merge
// rules and hide/show/protect/risk rules are rejected with an error wrapping
// ErrUnsupportedRule; malformed rules with ErrBadRule.
func ParseRule(s string) (Rule, error) {
	if s == "" {
		return Rule{}, fmt.Errorf("%w: empty rule", ErrBadRule)
	}
	var kind byte
	var mods, rest string
	name, _, _ := strings.Cut(s, " ")
	name, _, _ = strings.Cut(name, "_")
	name, _, _ = strings.Cut(name, ",")
	if k, ok := longRuleNames[name]; ok && len(name) > 1 {
		kind, rest = k, s[len(name):]
		if strings.HasPrefix(rest, ",") {
			mods, rest = splitModifiers(rest[1:])
		} else if rest != "" {
			rest = rest[1:] // the space or underscore
		}
	} else {
		kind = s[0]
		mods, rest = splitModifiers(strings.TrimPrefix(s[1:], ","))
	}
	switch kind {
	case '-', '+':
	case '!':
		if mods != "" || rest != "" {
			return Rule{}, fmt.Errorf("%w: %q: clear takes no argument", ErrBadRule, s)
		}
		return Rule{Action: Clear}, nil
	case '.', ':', 'H', 'S', 'P', 'R':
		return Rule{}, fmt.Errorf("%w: %q (only include, exclude and clear rules are supported)", ErrUnsupportedRule, s)
	default:
		return Rule{}, fmt.Errorf("%w: %q: unknown rule %q", ErrBadRule, s, kind)
	}
	r := Rule{Action: Exclude, Pattern: rest}
	if kind == '+' {
		r.Action = Include
	}
	for i := 0; i < len(mods); i++ {
		switch m := mods[i]; m {
		case '!':
			r.Negate = true
		case '/', 's', 'r', 'p', 'x', 'C', 'e', 'n', 'w':
			return Rule{}, fmt.Errorf("%w: %q: modifier %q", ErrUnsupportedRule, s, m)
		default:
			return Rule{}, fmt.Errorf("%w: %q: unknown modifier %q", ErrBadRule, s, m)
		}
	}
	if r.Pattern == "" {
		return Rule{}, fmt.Errorf("%w: %q: missing pattern", ErrBadRule, s)
	}
	return r, nil
}

// splitModifiers splits "MODS PATTERN" (or "MODS_PATTERN") at the first
// space or underscore; the separator is dropped.
func splitModifiers(s string) (mods, rest string) {
	i := strings.IndexAny(s, " _")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i+1:]
}

// OldStyleRule turns an --exclude or --include argument (or a line of an
// --exclude-from or --include-from file) into a rule the way rsync does:
// a leading "- " or "+ " sets the action explicitly, a lone "!" clears, and
// anything else is a pattern for the default action def.
func OldStyleRule(s string, def Action) Rule {
	switch {
	case s == "!":
		return Rule{Action: Clear}
	case strings.HasPrefix(s, "- "):
		return Rule{Action: Exclude, Pattern: s[2:]}
	case strings.HasPrefix(s, "+ "):
		return Rule{Action: Include, Pattern: s[2:]}
	}
	return Rule{Action: def, Pattern: s}
}

// ReadPatterns reads an --exclude-from (def Exclude) or --include-from
// (def Include) file: one pattern per line, ended by LF, CR or CR LF; blank
// lines and lines starting with '#' or ';' are ignored; each line becomes a
// rule as with OldStyleRule. Lines are not trimmed: a trailing space is
// part of the pattern, as in rsync.
func ReadPatterns(r io.Reader, def Action) ([]Rule, error) {
	var rules []Rule
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		for _, l := range strings.FieldsFunc(line, func(c rune) bool { return c == '\n' || c == '\r' }) {
			if l == "" || l[0] == '#' || l[0] == ';' {
				continue
			}
			rules = append(rules, OldStyleRule(l, def))
		}
		if errors.Is(err, io.EOF) {
			return rules, nil
		}
		if err != nil {
			return rules, fmt.Errorf("read patterns: %w", err)
		}
	}
}
