package tree

import "strings"

// compiledRule is a Rule with its pattern analysed the way rsync does.
type compiledRule struct {
	rule    Rule
	merge   int    // DirMerge: index in Filter.merges
	pattern string // without a leading "/" and a trailing "/"
	negate  bool   // "-!" / "+!": the rule applies when the pattern fails

	anchored   bool // leading "/": matched from the transfer root
	dirOnly    bool // trailing "/": matches directories only
	wild       bool // contains '*', '?' or '['
	wild2      bool // contains "**" (can cross '/')
	wild2First bool // starts with "**": may also match at the root
	wild3Tail  bool // ends with "/***" (or is "***"): matches the dir too
	slashes    int  // number of inner '/'
}

// compileRule analyses r.Pattern (r.Action being Include or Exclude).
func compileRule(r Rule) (compiledRule, error) {
	c := compiledRule{rule: r, negate: r.Negate}
	p := r.Pattern
	if i := strings.IndexAny(p, "*?["); i >= 0 {
		c.wild = true
		if j := strings.Index(p[i:], "**"); j >= 0 {
			c.wild2 = true
			c.wild2First = i+j == 0
			c.wild3Tail = strings.HasSuffix(p, "***") && (len(p) == 3 || p[len(p)-4] == '/')
		}
	}
	if len(p) > 1 && p[len(p)-1] == '/' {
		p = p[:len(p)-1]
		c.dirOnly = true
	}
	if strings.HasPrefix(p, "/") {
		c.anchored = true
		p = p[1:]
	}
	c.slashes = strings.Count(p, "/")
	if c.anchored {
		c.slashes++ // rsync counts the anchor too; only its being non-zero matters
	}
	c.pattern = p
	return c, nil
}

// matches reports whether the rule applies to path (an entry path, never
// "."), taking negation into account.
func (c *compiledRule) matches(path string, isDir bool) bool {
	return c.match(path, isDir) != c.negate
}

// match is the pattern test proper, after rsync's rule_matches.
func (c *compiledRule) match(name string, isDir bool) bool {
	if c.dirOnly && !isDir {
		return false
	}
	if c.slashes == 0 && !c.wild2 {
		// No slash and no "**": only the last component counts.
		name = name[strings.LastIndexByte(name, '/')+1:]
	}
	if !c.wild {
		switch {
		case c.anchored:
			return name == c.pattern
		default:
			// The pattern must equal the trailing components of name.
			if !strings.HasSuffix(name, c.pattern) {
				return false
			}
			n := len(name) - len(c.pattern)
			return n == 0 || name[n-1] == '/'
		}
	}
	text := name
	if c.wild2First && !c.anchored {
		text = "/" + text // let "**/x" match "x" at the root
	}
	if isDir && c.wild3Tail {
		text += "/" // let "dir/***" match "dir" itself
	}
	switch {
	case !c.anchored && c.slashes > 0 && !c.wild2:
		// Unanchored with inner slashes: the last slashes+1 components.
		return wildMatch(c.pattern, trailingElements(text, c.slashes+1)) == matchTrue
	case !c.anchored && !c.wild2First && c.wild2:
		// Unanchored with an inner "**": try after every slash.
		for {
			if r := wildMatch(c.pattern, text); r == matchTrue {
				return true
			} else if r == matchAbortAll {
				return false
			}
			i := strings.IndexByte(text, '/')
			if i < 0 {
				return false
			}
			text = text[i+1:]
		}
	default:
		return wildMatch(c.pattern, text) == matchTrue
	}
}

// trailingElements returns the last n slash-separated elements of s, or
// all of s if it has fewer.
func trailingElements(s string, n int) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			n--
			if n == 0 {
				return s[i+1:]
			}
		}
	}
	return s
}
