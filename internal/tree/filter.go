package tree

import (
	"errors"
	"fmt"
)

// ErrBadRule reports a filter rule that cannot be parsed.
var ErrBadRule = errors.New("ferry: bad filter rule")

// ErrUnsupportedRule reports a valid rsync filter rule that ferry does not
// implement (the "/" and "x" modifiers, merge rules inside per-directory
// merge files).
var ErrUnsupportedRule = errors.New("ferry: unsupported filter rule")

// Action is what a filter rule does when its pattern matches.
type Action uint8

// Filter rule actions.
const (
	Exclude  Action = iota + 1 // "- PATTERN", "exclude PATTERN" (and hide, protect)
	Include                    // "+ PATTERN", "include PATTERN" (and show, risk)
	Clear                      // "!", "clear": forget all earlier rules
	Merge                      // ". FILE", "merge FILE": the rules of FILE, read once
	DirMerge                   // ": FILE", "dir-merge FILE": FILE in each directory
)

// String returns the rule prefix for the action: "-", "+", "!", "." or ":".
func (a Action) String() string {
	switch a {
	case Exclude:
		return "-"
	case Include:
		return "+"
	case Clear:
		return "!"
	case Merge:
		return "."
	case DirMerge:
		return ":"
	}
	return "?"
}

// Side says which side of a transfer a rule applies to.
type Side uint8

// Rule sides; a rule with no side bit applies to both.
const (
	SideSender   Side = 1 << iota // "s" modifier, hide and show rules: what is sent
	SideReceiver                  // "r" modifier, protect and risk rules: what is deleted
)

// MergeFlags are the modifiers of a merge or dir-merge rule.
type MergeFlags uint8

// Merge modifiers.
const (
	MergeExclude     MergeFlags = 1 << iota // "-": each line is an exclude pattern
	MergeInclude                            // "+": each line is an include pattern
	MergeNoInherit                          // "n": a directory's rules do not apply in its subdirectories
	MergeExcludeSelf                        // "e": the merge file itself is excluded
	MergeWordSplit                          // "w": rules are split at whitespace, not lines
	MergeCVS                                // "C": a .cvsignore file (implies "-", "n" and "w")
)

// Rule is one parsed filter rule.
type Rule struct {
	Action Action
	// Pattern is the pattern, or the file name of a Merge or DirMerge
	// rule; empty for Clear and for CVS (rsync's default CVS list).
	Pattern    string
	Negate     bool // "-!" / "+!": the rule applies when Pattern does not match
	Sides      Side // zero: both sides
	Perishable bool // "p": ignored where a directory is deleted anyway
	CVS        bool // "-C": exclude rsync's default CVS ignore list
	Merge      MergeFlags
}

// String returns the rule in the short form ParseRule accepts ("- *.o",
// "-s *.tmp", ":ne .rsync-filter").
func (r Rule) String() string {
	if r.Action == Clear {
		return "!"
	}
	s := r.Action.String()
	if r.Negate {
		s += "!"
	}
	for _, m := range []struct {
		f MergeFlags
		c string
	}{{MergeExclude, "-"}, {MergeInclude, "+"}, {MergeNoInherit, "n"}, {MergeExcludeSelf, "e"}, {MergeWordSplit, "w"}, {MergeCVS, "C"}} {
		if r.Merge&m.f != 0 {
			s += m.c
		}
	}
	if r.Perishable {
		s += "p"
	}
	if r.Sides&SideSender != 0 {
		s += "s"
	}
	if r.Sides&SideReceiver != 0 {
		s += "r"
	}
	if r.CVS {
		s += "C"
	}
	if r.Pattern == "" {
		return s
	}
	return s + " " + r.Pattern
}

// appliesTo reports whether the include/exclude rule r decides for side
// (zero: every rule applies). With deleteExcluded, rules without a side
// are the sender's only (rsync --delete-excluded).
func (r Rule) appliesTo(side Side, deleteExcluded bool) bool {
	switch {
	case side == 0:
		return true
	case r.Sides == 0:
		return side == SideSender || !deleteExcluded
	}
	return r.Sides&side != 0
}

// Filter is an ordered list of include/exclude rules with rsync's
// semantics: the first rule whose pattern matches decides; a path no rule
// matches is included. A nil *Filter includes everything. A Filter is
// immutable once built and safe for concurrent use.
//
// A DirMerge rule holds its place in the list for the rules of the
// per-directory files a walk reads (see filterStack); Match, which sees no
// directory files, stops there and reports "not excluded".
type Filter struct {
	rules          []compiledRule
	merges         []Rule // the DirMerge rules, indexed by compiledRule.merge
	side           Side
	deleteExcluded bool
}

// NewFilter compiles rules, in order, into a Filter in which every rule
// applies. A Clear rule drops the rules before it. Merge rules must have
// been expanded (ExpandRules).
func NewFilter(rules []Rule) (*Filter, error) {
	return NewSideFilter(rules, 0, false)
}

// NewSideFilter compiles the rules that apply to side: the sender's
// (include, exclude, hide, show) or the receiver's (include, exclude,
// protect, risk; with deleteExcluded only protect and risk).
func NewSideFilter(rules []Rule, side Side, deleteExcluded bool) (*Filter, error) {
	f := &Filter{side: side, deleteExcluded: deleteExcluded}
	for _, r := range rules {
		if err := f.add(r); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// add appends the rule r.
func (f *Filter) add(r Rule) error {
	switch r.Action {
	case Clear:
		f.rules = f.rules[:0]
		return nil
	case Merge:
		return fmt.Errorf("%w: %q: merge files are read before the transfer", ErrUnsupportedRule, r.String())
	case DirMerge:
		if r.Sides != 0 && f.side != 0 && r.Sides&f.side == 0 {
			return nil
		}
		if r.Merge&MergeExcludeSelf != 0 {
			self := Rule{Action: Exclude, Pattern: baseName(mergeName(r)), Sides: r.Sides}
			if err := f.add(self); err != nil {
				return err
			}
		}
		f.rules = append(f.rules, compiledRule{rule: r, merge: len(f.merges)})
		f.merges = append(f.merges, r)
		return nil
	case Exclude, Include:
	default:
		return fmt.Errorf("%w: unknown action %d", ErrBadRule, r.Action)
	}
	if r.CVS {
		for _, p := range cvsDefaults {
			if err := f.add(Rule{Action: Exclude, Pattern: p, Sides: r.Sides, Perishable: true}); err != nil {
				return err
			}
		}
		return nil
	}
	if !r.appliesTo(f.side, f.deleteExcluded) {
		return nil
	}
	c, err := compileRule(r)
	if err != nil {
		return err
	}
	f.rules = append(f.rules, c)
	return nil
}

// ParseFilter parses each string with ParseRule and compiles the result with
// NewFilter.
func ParseFilter(rules []string) (*Filter, error) {
	return ParseSideFilter(rules, 0, false)
}

// ParseSideFilter parses each string with ParseRule and compiles the
// result with NewSideFilter.
func ParseSideFilter(rules []string, side Side, deleteExcluded bool) (*Filter, error) {
	parsed := make([]Rule, 0, len(rules))
	for _, s := range rules {
		r, err := ParseRule(s)
		if err != nil {
			return nil, err
		}
		parsed = append(parsed, r)
	}
	return NewSideFilter(parsed, side, deleteExcluded)
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

// Empty reports whether f has no rules (it then excludes nothing).
func (f *Filter) Empty() bool { return f == nil || len(f.rules) == 0 }

// HasDirMerge reports whether f reads per-directory merge files.
func (f *Filter) HasDirMerge() bool { return f != nil && len(f.merges) > 0 }

// WithoutPerishable returns f without its perishable rules, the filter
// that protects the contents of a directory being deleted.
func (f *Filter) WithoutPerishable() *Filter {
	if f == nil {
		return nil
	}
	g := *f
	g.rules = nil
	for _, c := range f.rules {
		if !c.rule.Perishable {
			g.rules = append(g.rules, c)
		}
	}
	return &g
}

// Match reports whether the entry at path (an entry path, relative to the
// transfer root, as in Entry.Path) is excluded. isDir tells whether the
// entry is a directory, for patterns ending in "/". The transfer root "."
// is never excluded. A DirMerge rule ends the search undecided (not
// excluded): only a walk knows the per-directory rules.
//
// Match looks at path alone: it does not check that the parent directories
// are included. Walker never visits the contents of an excluded directory,
// which gives rsync's behaviour.
func (f *Filter) Match(path string, isDir bool) (excluded bool) {
	c := f.decide(path, isDir)
	return c != nil && c.rule.Action == Exclude
}

// decide returns the rule that decides for path, nil if none does.
func (f *Filter) decide(path string, isDir bool) *compiledRule {
	if f == nil || path == "." {
		return nil
	}
	for i := range f.rules {
		c := &f.rules[i]
		if c.rule.Action == DirMerge {
			return nil
		}
		if c.matches(path, isDir) {
			return c
		}
	}
	return nil
}
