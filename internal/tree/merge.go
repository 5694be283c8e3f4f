package tree

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/ferrysync/ferry/internal/fsys"
)

// maxMergeDepth bounds merge files naming merge files.
const maxMergeDepth = 16

// cvsDefaults is rsync's default CVS ignore list ("-C"), whose rules are
// perishable.
var cvsDefaults = strings.Fields("RCS SCCS CVS CVS.adm RCSLOG cvslog.* tags TAGS .make.state .nse_depinfo " +
	"*~ #* .#* ,* _$* *$ *.old *.bak *.BAK *.orig *.rej .del-* *.a *.olb *.o *.obj *.so *.exe *.Z *.elc *.ln " +
	"core .svn/ .git/ .hg/ .bzr/")

// mergeName is the file name of a merge rule, without the leading "/"
// that makes rsync also look for a dir-merge file in the parents of the
// transfer.
func mergeName(r Rule) string { return strings.TrimLeft(r.Pattern, "/") }

// mergeFlags returns r's merge modifiers with those that "C" implies.
func mergeFlags(r Rule) MergeFlags {
	f := r.Merge
	if f&MergeCVS != 0 {
		f |= MergeExclude | MergeNoInherit | MergeWordSplit
	}
	return f
}

// ParseMergeFile reads the rules of a merge file for the merge or
// dir-merge rule m: one rule per line (ParseRule syntax), or per
// whitespace-separated word with the "w" modifier; with "-" or "+" each
// line is a pattern of that action, "!" still clearing. Blank lines, and
// lines starting with '#' or ';' unless words are split, are skipped. The
// side and perishable modifiers of m apply to every rule read. name is
// used in errors.
func ParseMergeFile(rd io.Reader, m Rule, name string) ([]Rule, error) {
	flags := mergeFlags(m)
	var rules []Rule
	br := bufio.NewReader(rd)
	for n := 1; ; n++ {
		line, err := br.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		line = strings.TrimRight(line, "\r\n")
		var toks []string
		switch {
		case flags&MergeWordSplit != 0:
			toks = strings.FieldsFunc(line, unicode.IsSpace)
		case line == "" || line[0] == '#' || line[0] == ';':
		default:
			toks = []string{line}
		}
		for _, t := range toks {
			r, perr := mergeToken(t, flags)
			if perr != nil {
				return nil, fmt.Errorf("%s line %d: %w", name, n, perr)
			}
			if r.Action != Clear {
				r.Sides |= m.Sides
				if r.Sides == SideSender|SideReceiver {
					r.Sides = 0
				}
				r.Perishable = r.Perishable || m.Perishable
			}
			rules = append(rules, r)
		}
		if err != nil {
			return rules, nil
		}
	}
}

// mergeToken parses one rule of a merge file.
func mergeToken(t string, flags MergeFlags) (Rule, error) {
	switch {
	case t == "!":
		return Rule{Action: Clear}, nil
	case flags&MergeExclude != 0:
		return Rule{Action: Exclude, Pattern: t}, nil
	case flags&MergeInclude != 0:
		return Rule{Action: Include, Pattern: t}, nil
	}
	return ParseRule(t)
}

// ExpandEnv is what ExpandRules reads on the client.
type ExpandEnv struct {
	// Open opens a merge file; nil uses os.Open.
	Open func(name string) (io.ReadCloser, error)
	// Home is the directory holding .cvsignore ("" for none).
	Home string
	// CVSIgnore is the value of $CVSIGNORE.
	CVSIgnore string
}

// ExpandRules replaces, in the rule strings rules, each merge rule with
// the rules of its file (read through env.Open, relative names from the
// current directory, nested merge files too) and each "-C" rule with
// rsync's CVS ignore list followed by the patterns of ~/.cvsignore and
// $CVSIGNORE. The result holds include, exclude, clear and dir-merge rules
// only, in ParseRule syntax, to be sent to the peer. A merge file that
// cannot be opened is an error wrapping the *os.PathError.
func ExpandRules(rules []string, env ExpandEnv) ([]string, error) {
	if env.Open == nil {
		env.Open = func(name string) (io.ReadCloser, error) { return fsys.OpenFileTrusted(name) }
	}
	var out []string
	for _, s := range rules {
		r, err := ParseRule(s)
		if err != nil {
			return nil, err
		}
		if r.Action != Merge && !r.CVS {
			out = append(out, s)
			continue
		}
		exp, err := expandRule(r, env, 0)
		if err != nil {
			return nil, err
		}
		for _, e := range exp {
			out = append(out, e.String())
		}
	}
	return out, nil
}

// expandRule expands the merge or "-C" rule r.
func expandRule(r Rule, env ExpandEnv, depth int) ([]Rule, error) {
	if r.CVS {
		out := []Rule{r} // the defaults: expanded where compiled, perishable
		for _, words := range [][]string{readCVSIgnore(env), strings.Fields(env.CVSIgnore)} {
			for _, w := range words {
				out = append(out, Rule{Action: Exclude, Pattern: w, Sides: r.Sides})
			}
		}
		return out, nil
	}
	if depth >= maxMergeDepth {
		return nil, fmt.Errorf("%w: %q: merge files nested too deep", ErrBadRule, r.String())
	}
	name := r.Pattern
	f, err := env.Open(name)
	if err != nil {
		return nil, fmt.Errorf("merge file: %w", err)
	}
	defer f.Close()
	rules, err := ParseMergeFile(f, r, name)
	if err != nil {
		return nil, err
	}
	if r.Merge&MergeExcludeSelf != 0 {
		rules = append([]Rule{{Action: Exclude, Pattern: filepath.Base(name), Sides: r.Sides}}, rules...)
	}
	var out []Rule
	for _, x := range rules {
		if x.Action == Merge || x.CVS {
			exp, err := expandRule(x, env, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, exp...)
			continue
		}
		out = append(out, x)
	}
	return out, nil
}

// readCVSIgnore returns the words of ~/.cvsignore (none when missing).
func readCVSIgnore(env ExpandEnv) []string {
	if env.Home == "" {
		return nil
	}
	f, err := env.Open(filepath.Join(env.Home, ".cvsignore"))
	if err != nil {
		return nil
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil
	}
	return strings.Fields(string(b))
}
