package tree

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// maxMergeFile bounds the size of a per-directory merge file.
const maxMergeFile = 1 << 20

// filterStack is one walk's view of a Filter with DirMerge rules: the
// rules of the per-directory merge files read in the directories from
// the top of the transfer down to the one being walked. Each file's rules
// take the place of its DirMerge rule, a directory's own before those it
// inherits; they are dropped when the walk leaves the directory.
type filterStack struct {
	f      *Filter
	layers []mergeLayer // in the order read, innermost directory last
}

// mergeLayer holds the rules of one per-directory merge file.
type mergeLayer struct {
	merge int    // index of its DirMerge rule in f.merges
	dir   string // entry path of the directory holding the file
	rules []compiledRule
	clear bool // the file cleared ("!") the rules inherited from above
}

// decide returns the rule that decides for path, as Filter.decide but
// with the per-directory rules in their places.
func (s *filterStack) decide(path string, isDir bool) *compiledRule {
	if path == "." {
		return nil
	}
	rules := s.f.rules
	for i := range rules {
		c := &rules[i]
		if c.rule.Action != DirMerge {
			if c.matches(path, isDir) {
				return c
			}
			continue
		}
		noInherit := mergeFlags(c.rule)&MergeNoInherit != 0
		for j := len(s.layers) - 1; j >= 0; j-- {
			l := &s.layers[j]
			if l.merge != c.merge || noInherit && l.dir != parentDir(path) {
				continue
			}
			for k := range l.rules {
				if l.rules[k].matches(path, isDir) {
					return &l.rules[k]
				}
			}
			if l.clear {
				break
			}
		}
	}
	return nil
}

// load reads, for each DirMerge rule k with want(k), its file in the
// directory dir (an entry path) through open, which returns an error
// wrapping fs.ErrNotExist when there is none.
func (s *filterStack) load(dir string, want func(k int) bool, open func(name string) (io.ReadCloser, error)) error {
	for k, m := range s.f.merges {
		if !want(k) {
			continue
		}
		name := mergeName(m)
		rc, err := open(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		shown := Join(dir, name)
		if err != nil {
			return fmt.Errorf("merge file %s: %w", shown, err)
		}
		rules, err := ParseMergeFile(io.LimitReader(rc, maxMergeFile), m, shown)
		rc.Close()
		if err != nil {
			return err
		}
		l, err := s.compile(k, dir, rules)
		if err != nil {
			return fmt.Errorf("merge file %s: %w", shown, err)
		}
		if len(l.rules) > 0 || l.clear {
			s.layers = append(s.layers, l)
		}
	}
	return nil
}

// compile makes the layer of the rules read in dir: those for this
// filter's side, after the last "!", with patterns anchored ("/x") at dir.
func (s *filterStack) compile(k int, dir string, rules []Rule) (mergeLayer, error) {
	l := mergeLayer{merge: k, dir: dir}
	g := &Filter{side: s.f.side, deleteExcluded: s.f.deleteExcluded}
	for _, r := range rules {
		switch {
		case r.Action == Merge || r.Action == DirMerge:
			return l, fmt.Errorf("%w: %q in a per-directory merge file", ErrUnsupportedRule, r.String())
		case r.Action == Clear:
			l.clear = true
		case strings.HasPrefix(r.Pattern, "/") && dir != ".":
			r.Pattern = "/" + dir + r.Pattern
		}
		if err := g.add(r); err != nil {
			return l, err
		}
	}
	l.rules = g.rules
	return l, nil
}

// pop drops the layers read in directory dir.
func (s *filterStack) pop(dir string) {
	for n := len(s.layers); n > 0 && s.layers[n-1].dir == dir; n-- {
		s.layers[n-1] = mergeLayer{}
		s.layers = s.layers[:n-1]
	}
}
