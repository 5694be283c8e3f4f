package tree

import (
	"errors"
	"fmt"
)

// ErrBadRule reports a filter rule that cannot be parsed.
var ErrBadRule = errors.New("ferry: bad filter rule")

// ErrUnsupportedRule reports a valid rsync filter rule that ferry does not
// implement (merge files, modifiers, hide/show/protect/risk, ...).
var ErrUnsupportedRule = errors.New("ferry: unsupported filter rule")

// Action is what a filter rule does when its pattern matches.
type Action uint8

// Filter rule actions.
const (
	Exclude Action = iota + 1 // "- PATTERN", "exclude PATTERN"
	Include                   // "+ PATTERN", "include PATTERN"
	Clear                     // "!", "clear": forget all earlier rules
)

// String returns the rule prefix for the action: "-", "+" or "!".
func (a Action) String() string {
	switch a {
	case Exclude:
		return "-"
	case Include:
		return "+"
	case Clear:
		return "!"
	}
	return "?"
}

// Rule is one parsed filter rule.
type Rule struct {
	Action  Action
	Pattern string // empty for Clear
	Negate  bool   // "-!" / "+!": the rule applies when Pattern does not match
}

// String returns the rule in the short form ParseRule accepts ("- *.o").
func (r Rule) String() string {
	if r.Action == Clear {
		return "!"
	}
	if r.Negate {
		return r.Action.String() + "! " + r.Pattern
	}
	return r.Action.String() + " " + r.Pattern
}

// Filter is an ordered list of include/exclude rules with rsync's
// semantics: the first rule whose pattern matches decides; a path no rule
// matches is included. A nil *Filter includes everything. A Filter is
// immutable once built and safe for concurrent use.
type Filter struct {
	rules []compiledRule
}

// NewFilter compiles rules, in order, into a Filter. A Clear rule drops the
// rules before it.
func NewFilter(rules []Rule) (*Filter, error) {
	f := &Filter{}
	for _, r := range rules {
		switch r.Action {
		case Clear:
			f.rules = f.rules[:0]
			continue
		case Exclude, Include:
		default:
			return nil, fmt.Errorf("%w: unknown action %d", ErrBadRule, r.Action)
		}
		c, err := compileRule(r)
		if err != nil {
			return nil, err
		}
		f.rules = append(f.rules, c)
	}
	return f, nil
}

// ParseFilter parses each string with ParseRule and compiles the result with
// NewFilter.
func ParseFilter(rules []string) (*Filter, error) {
	parsed := make([]Rule, 0, len(rules))
	for _, s := range rules {
		r, err := ParseRule(s)
		if err != nil {
			return nil, err
		}
		parsed = append(parsed, r)
	}
	return NewFilter(parsed)
}

// Rules returns the compiled rules in order (after Clear processing).
func (f *Filter) Rules() []Rule {
	if f == nil {
		return nil
	}
	out := make([]Rule, len(f.rules))
	for i, c := range f.rules {
		out[i] = c.rule
	}
	return out
}

// Match reports whether the entry at path (an entry path, relative to the
// transfer root, as in Entry.Path) is excluded. isDir tells whether the
// entry is a directory, for patterns ending in "/". The transfer root "."
// is never excluded.
//
// Match looks at path alone: it does not check that the parent directories
// are included. Walker never visits the contents of an excluded directory,
// which gives rsync's behaviour.
func (f *Filter) Match(path string, isDir bool) (excluded bool) {
	if f == nil || path == "." {
		return false
	}
	for i := range f.rules {
		if f.rules[i].matches(path, isDir) {
			return f.rules[i].rule.Action == Exclude
		}
	}
	return false
}
