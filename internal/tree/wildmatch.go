package tree

import "strings"

// matchResult is the outcome of wildMatch. Besides true and false, two
// abort results let a caller stop early, which bounds the backtracking of
// patterns with many stars (the technique of rsync's and git's wildmatch).
type matchResult uint8

const (
	matchFalse           matchResult = iota
	matchTrue                        // the whole text matches
	matchAbortAll                    // no later start position can match
	matchAbortToStarStar             // only an enclosing "**" may retry
)

// wildMatch matches text against an rsync wildcard pattern: '?' matches one
// byte but '/', '*' any run of bytes without '/', "**" (or more stars) any
// run of bytes, "[...]" one byte (not '/') of a class ("[!...]" and "[^...]"
// negate; ranges "a-z"; POSIX classes "[:alpha:]"), and '\' escapes the next
// byte.
func wildMatch(p, text string) matchResult {
	for ; len(p) > 0; p, text = p[1:], text[1:] {
		pc := p[0]
		if len(text) == 0 && pc != '*' {
			return matchAbortAll
		}
		switch pc {
		case '\\':
			p = p[1:]
			if len(p) == 0 || text[0] != p[0] {
				return matchFalse
			}
		case '?':
			if text[0] == '/' {
				return matchFalse
			}
		case '*':
			return matchStar(p, text)
		case '[':
			n, r := matchClass(p, text[0])
			if r != matchTrue {
				return r
			}
			p = p[n-1:] // the loop steps past the closing ']'
		default:
			if text[0] != pc {
				return matchFalse
			}
		}
	}
	if len(text) > 0 {
		return matchFalse
	}
	return matchTrue
}

// matchStar matches text against p, which starts with one or more stars.
func matchStar(p, text string) matchResult {
	p = p[1:]
	double := len(p) > 0 && p[0] == '*'
	p = strings.TrimLeft(p, "*")
	if len(p) == 0 {
		// A trailing "**" matches all; a trailing "*" only within one
		// component.
		if !double && strings.IndexByte(text, '/') >= 0 {
			return matchFalse
		}
		return matchTrue
	}
	for ; len(text) > 0; text = text[1:] {
		r := wildMatch(p, text)
		if r != matchFalse {
			if !double || r != matchAbortToStarStar {
				return r
			}
		} else if !double && text[0] == '/' {
			return matchAbortToStarStar
		}
	}
	return matchAbortAll
}

// matchClass matches byte c against the class that starts p (p[0] is '[')
// and returns the class's length in p. The result is matchFalse when c is
// not in the class or is '/', matchAbortAll for a malformed class.
func matchClass(p string, c byte) (int, matchResult) {
	i := 1
	negated := false
	if i < len(p) && (p[i] == '!' || p[i] == '^') {
		negated = true
		i++
	}
	matched := false
	var prev byte // previous class byte, 0 after a range or a named class
	for first := true; ; first = false {
		if i >= len(p) {
			return 0, matchAbortAll
		}
		pc := p[i]
		if pc == ']' && !first {
			i++
			break
		}
		switch {
		case pc == '\\':
			i++
			if i >= len(p) {
				return 0, matchAbortAll
			}
			pc = p[i]
			if c == pc {
				matched = true
			}
		case pc == '-' && prev != 0 && i+1 < len(p) && p[i+1] != ']':
			i++
			hi := p[i]
			if hi == '\\' {
				i++
				if i >= len(p) {
					return 0, matchAbortAll
				}
				hi = p[i]
			}
			if prev <= c && c <= hi {
				matched = true
			}
			pc = 0
		case pc == '[' && i+1 < len(p) && p[i+1] == ':':
			end := strings.IndexByte(p[i+2:], ']')
			if end < 0 {
				return 0, matchAbortAll
			}
			body := p[i+2 : i+2+end]
			if !strings.HasSuffix(body, ":") {
				// Not "[:name:]": a literal '['.
				if c == '[' {
					matched = true
				}
				break
			}
			in, ok := inNamedClass(body[:len(body)-1], c)
			if !ok {
				return 0, matchAbortAll
			}
			if in {
				matched = true
			}
			i += 2 + end
			pc = 0
		default:
			if c == pc {
				matched = true
			}
		}
		prev = pc
		i++
	}
	if matched == negated || c == '/' {
		return i, matchFalse
	}
	return i, matchTrue
}

// inNamedClass reports whether c is in the POSIX class name (C locale);
// ok is false for an unknown name.
func inNamedClass(name string, c byte) (in, ok bool) {
	lower := 'a' <= c && c <= 'z'
	upper := 'A' <= c && c <= 'Z'
	digit := '0' <= c && c <= '9'
	switch name {
	case "alnum":
		return lower || upper || digit, true
	case "alpha":
		return lower || upper, true
	case "blank":
		return c == ' ' || c == '\t', true
	case "cntrl":
		return c < 0x20 || c == 0x7f, true
	case "digit":
		return digit, true
	case "graph":
		return 0x21 <= c && c <= 0x7e, true
	case "lower":
		return lower, true
	case "print":
		return 0x20 <= c && c <= 0x7e, true
	case "punct":
		return 0x21 <= c && c <= 0x7e && !lower && !upper && !digit, true
	case "space":
		return c == ' ' || ('\t' <= c && c <= '\r'), true
	case "upper":
		return upper, true
	case "xdigit":
		return digit || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F'), true
	}
	return false, false
}
