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
//   - PATTERN      exclude PATTERN
//   - PATTERN      include PATTERN
//     H PATTERN      hide PATTERN     (exclude, sender side only)
//     S PATTERN      show PATTERN     (include, sender side only)
//     P PATTERN      protect PATTERN  (exclude, receiver side only)
//     R PATTERN      risk PATTERN     (include, receiver side only)
//     . FILE         merge FILE       (the rules of FILE, read before the transfer)
//     : FILE         dir-merge FILE   (the rules of FILE in each directory)
//     !              clear
//
// The rule name is followed by optional modifiers (after a comma for a
// long name), then a single space or an underscore ("-_*.o"); further
// spaces belong to the pattern. Modifiers: "!" (negate), "s" and "r"
// (sender or receiver side only), "p" (perishable), "C" ("-C": rsync's
// CVS ignore list; on a merge rule: a .cvsignore file), and for merge
// rules "-", "+", "n", "e" and "w". The "/" and "x" modifiers are
// rejected with an error wrapping ErrUnsupportedRule; malformed rules with
// ErrBadRule.
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
	var r Rule
	switch kind {
	case '-', '+':
		r.Action = Exclude
		if kind == '+' {
			r.Action = Include
		}
	case 'H', 'S':
		r.Action, r.Sides = Exclude, SideSender
		if kind == 'S' {
			r.Action = Include
		}
	case 'P', 'R':
		r.Action, r.Sides = Exclude, SideReceiver
		if kind == 'R' {
			r.Action = Include
		}
	case '.':
		r.Action = Merge
	case ':':
		r.Action = DirMerge
	case '!':
		if mods != "" || rest != "" {
			return Rule{}, fmt.Errorf("%w: %q: clear takes no argument", ErrBadRule, s)
		}
		return Rule{Action: Clear}, nil
	default:
		return Rule{}, fmt.Errorf("%w: %q: unknown rule %q", ErrBadRule, s, kind)
	}
	r.Pattern = rest
	if err := r.setModifiers(s, mods); err != nil {
		return Rule{}, err
	}
	merge := r.Action == Merge || r.Action == DirMerge
	switch {
	case r.CVS && r.Pattern != "":
		return Rule{}, fmt.Errorf("%w: %q: the C modifier of an exclude rule takes no pattern", ErrBadRule, s)
	case merge && r.Pattern == "" && r.Merge&MergeCVS != 0:
		r.Pattern = ".cvsignore"
	case r.Pattern == "" && !r.CVS:
		return Rule{}, fmt.Errorf("%w: %q: missing pattern", ErrBadRule, s)
	}
	if r.Sides == SideSender|SideReceiver {
		r.Sides = 0
	}
	return r, nil
}

// setModifiers applies the modifier letters mods of rule s to r.
func (r *Rule) setModifiers(s, mods string) error {
	merge := r.Action == Merge || r.Action == DirMerge
	for i := 0; i < len(mods); i++ {
		m := mods[i]
		ok := true
		switch m {
		case '!':
			ok = !merge
			r.Negate = true
		case 's':
			r.Sides |= SideSender
		case 'r':
			r.Sides |= SideReceiver
		case 'p':
			r.Perishable = true
		case 'C':
			if merge {
				r.Merge |= MergeCVS
			} else {
				ok = r.Action == Exclude
				r.CVS = true
			}
		case '-', '+', 'n', 'e', 'w':
			ok = merge
			r.Merge |= map[byte]MergeFlags{'-': MergeExclude, '+': MergeInclude, 'n': MergeNoInherit, 'e': MergeExcludeSelf, 'w': MergeWordSplit}[m]
		case '/', 'x':
			return fmt.Errorf("%w: %q: modifier %q", ErrUnsupportedRule, s, m)
		default:
			ok = false
		}
		if !ok {
			return fmt.Errorf("%w: %q: unknown modifier %q", ErrBadRule, s, m)
		}
	}
	if r.Merge&(MergeExclude|MergeInclude) == MergeExclude|MergeInclude {
		return fmt.Errorf("%w: %q: both - and + modifiers", ErrBadRule, s)
	}
	return nil
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
