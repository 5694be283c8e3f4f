package tree

import (
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func FuzzParseRuleMatch(f *testing.F) {
	seeds := []struct {
		rule, path string
		dir        bool
	}{
		{"- *.o", "a/b.o", false},
		{"+ /foo/**/bar", "foo/x/y/bar", false},
		{"- dir/***", "x/dir", true},
		{"-! */", "a/b", false},
		{"- [!a-c[:digit:]]x", "dx", false},
		{`- \*x*`, "*xy", false},
		{"- **/tmp", "tmp", true},
		{"- a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
		{"- a**a**a**a**b", "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a", false},
		{"exclude,! foo/", "foo", true},
		{"H *.o", "a.o", false},
		{"protect,! keep/", "keep", true},
		{"-sp *.tmp", "x.tmp", false},
		{"-C", "core", false},
		{":n-e .rsync-filter", "a", false},
		{"dir-merge,C", ".cvsignore", false},
		{". /etc/rules", "x", false},
		{"risk_x", "x", false},
	}
	for _, s := range seeds {
		f.Add(s.rule, s.path, s.dir)
	}
	f.Fuzz(func(t *testing.T, s, p string, isDir bool) {
		r, err := ParseRule(s)
		if err != nil {
			return
		}
		again, err := ParseRule(r.String())
		if err != nil || again != r {
			t.Fatalf("%q parsed to %+v, whose String %q parses to %+v, %v", s, r, r.String(), again, err)
		}
		if r.Action != Exclude && r.Action != Include || r.CVS || ValidPath(p) != nil || p == "." {
			return
		}
		pos := r
		pos.Negate = false
		neg := pos
		neg.Negate = true
		fp, err := NewFilter([]Rule{pos})
		if err != nil {
			t.Fatal(err)
		}
		fn, _ := NewFilter([]Rule{neg})
		if m, n := fp.Match(p, isDir), fn.Match(p, isDir); (m == n) != (pos.Action == Include) {
			t.Fatalf("rule %+v on %q (dir %v): plain %v, negated %v", pos, p, isDir, m, n)
		}
	})
}

// FuzzWildMatch checks wildMatch against a regular-expression translation
// for patterns without classes and escapes.
func FuzzWildMatch(f *testing.F) {
	f.Add("a*b", "axxb")
	f.Add("a**b", "a/x/b")
	f.Add("*/b", "a/b")
	f.Add("**/?", "x/y/z")
	f.Add("*a*a*a*", "aaaaaaa/aaaa")
	f.Fuzz(func(t *testing.T, p, text string) {
		if strings.ContainsAny(p, `[\`) || len(p) > 64 || !isASCII(p) || !isASCII(text) {
			return // the regexp works on runes, wildMatch on bytes
		}
		var re strings.Builder
		re.WriteString(`^`)
		for i := 0; i < len(p); i++ {
			switch p[i] {
			case '*':
				j := i
				for j < len(p) && p[j] == '*' {
					j++
				}
				if j-i > 1 {
					re.WriteString(`(?s:.*)`)
				} else {
					re.WriteString(`[^/]*`)
				}
				i = j - 1
			case '?':
				re.WriteString(`[^/]`)
			default:
				re.WriteString(regexp.QuoteMeta(p[i : i+1]))
			}
		}
		re.WriteString(`$`)
		rx, err := regexp.Compile(re.String())
		if err != nil {
			return // invalid UTF-8 and the like
		}
		want := rx.MatchString(text)
		if got := wildMatch(p, text) == matchTrue; got != want {
			t.Fatalf("wildMatch(%q, %q) = %v, regexp %s says %v", p, text, got, re.String(), want)
		}
	})
}

func FuzzValidPath(f *testing.F) {
	for _, s := range []string{".", "a/b", "a//b", "../a", "a/./b", "/a", "a/", "a\x00b", "..a/b..", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		ok := ValidPath(p) == nil
		// The reference: a clean, local path without NUL bytes.
		want := p != "" && path.Clean(p) == p && filepath.IsLocal(p) && !strings.ContainsRune(p, 0) &&
			!strings.HasPrefix(p, "./")
		if p == "." {
			want = true
		}
		if ok != want {
			t.Fatalf("ValidPath(%q) ok=%v, reference says %v", p, ok, want)
		}
		if ok && p != "." {
			if Compare(".", p) != -1 || Compare(p, p) != 0 || !Contains(".", p) {
				t.Fatalf("ordering of %q", p)
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
