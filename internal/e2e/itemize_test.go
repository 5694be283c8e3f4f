package e2e

import (
	"regexp"
	"slices"
	"strings"
)

// itemizeLine matches rsync's itemized change lines: YXcstpoguax and the
// name, or "*deleting" and the name.
var itemizeLine = regexp.MustCompile(`^([<>ch.][fdLDS][.+?cstpoguaxn ]{9}|\*deleting  ) `)

// itemized returns the itemized lines of out, sorted. With hardLinks,
// a hard link's line ("hf... NAME => LEADER") is folded into a plain
// transfer line ("f... NAME"), because which name of a group is sent first
// depends on the walk order, which ferry (depth-first) and rsync
// (directory's files first) do not share; the destination trees are
// compared separately.
func itemized(out string, hardLinks bool) []string {
	var lines []string
	for l := range strings.SplitSeq(out, "\n") {
		if !itemizeLine.MatchString(l) {
			continue
		}
		if hardLinks && len(l) > 1 && (l[0] == 'h' || l[0] == '>') && l[1] == 'f' {
			l = "~" + l[1:]
			if i := strings.Index(l, " => "); i >= 0 {
				l = l[:i]
			}
		}
		lines = append(lines, l)
	}
	slices.Sort(lines)
	return lines
}

// lineDiff lists the lines only in want ("-") and only in got ("+").
func lineDiff(want, got []string) []string {
	var d []string
	i, j := 0, 0
	for i < len(want) || j < len(got) {
		switch {
		case j >= len(got) || (i < len(want) && want[i] < got[j]):
			d = append(d, "- "+want[i])
			i++
		case i >= len(want) || got[j] < want[i]:
			d = append(d, "+ "+got[j])
			j++
		default:
			i++
			j++
		}
	}
	return d
}
