package cli

import (
	"strconv"
	"strings"

	"github.com/ferrysync/ferry"
)

// setBools is a boolean flag that, when given, sets every target to on
// (or to !on with --flag=false). It implements --no-perms, -D and friends,
// whose effect depends on their position among the other flags.
type setBools struct {
	targets []*bool
	on      bool
}

func (v *setBools) String() string { return "false" }
func (v *setBools) Type() string   { return "bool" }

func (v *setBools) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	for _, p := range v.targets {
		*p = v.on == b
	}
	return nil
}

// wholeFileFlag is -W/--whole-file (on) or --no-whole-file/--no-W: as in
// rsync, files between local paths are copied whole unless --no-whole-file
// asks for the delta algorithm, which remote transfers use unless -W.
type wholeFileFlag struct {
	opts *ferry.Options
	on   bool
}

func (v *wholeFileFlag) String() string { return "false" }
func (v *wholeFileFlag) Type() string   { return "bool" }

func (v *wholeFileFlag) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	whole := v.on == b
	v.opts.WholeFile, v.opts.DeltaLocal = whole, !whole
	return nil
}

// archiveFlag is -a/--archive: it turns back on every part of archive mode
// that ferry's defaults turn on, so "--no-perms -a" preserves permissions
// as it does in rsync. Without a preceding --no-X it changes nothing.
type archiveFlag struct {
	opts     *ferry.Options
	defaults ferry.Options
}

func (v *archiveFlag) String() string { return "true" }
func (v *archiveFlag) Type() string   { return "bool" }

func (v *archiveFlag) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil || !b {
		return err
	}
	o, d := v.opts, v.defaults
	o.Recursive = o.Recursive || d.Recursive
	o.Links = o.Links || d.Links
	o.Perms = o.Perms || d.Perms
	o.Times = o.Times || d.Times
	o.Group = o.Group || d.Group
	o.Owner = o.Owner || d.Owner
	o.Devices = o.Devices || d.Devices
	o.Specials = o.Specials || d.Specials
	return nil
}

// filterKind says how a filter option's value becomes rules.
type filterKind int

const (
	filterExclude     filterKind = iota // --exclude PATTERN
	filterInclude                       // --include PATTERN
	filterRule                          // --filter RULE
	filterExcludeFrom                   // --exclude-from FILE
	filterIncludeFrom                   // --include-from FILE
)

// filterArg is one filter option as given, in command-line order.
type filterArg struct {
	kind  filterKind
	value string
}

// filterFlag appends its values to a list shared by all filter options, so
// the rules keep their command-line order across option names.
type filterFlag struct {
	list *[]filterArg
	kind filterKind
}

func (v *filterFlag) String() string { return "" }
func (v *filterFlag) Type() string   { return "string" }

func (v *filterFlag) Set(s string) error {
	*v.list = append(*v.list, filterArg{kind: v.kind, value: s})
	return nil
}

// dashF is -F: the first adds the rule "dir-merge /.rsync-filter", the
// second "- .rsync-filter", in their place among the filter options, as
// in rsync; more add nothing.
type dashF struct {
	list *[]filterArg
	n    int
}

func (v *dashF) String() string { return "false" }
func (v *dashF) Type() string   { return "bool" }

func (v *dashF) Set(s string) error {
	if b, err := strconv.ParseBool(s); err != nil || !b {
		return err
	}
	v.n++
	switch v.n {
	case 1:
		*v.list = append(*v.list, filterArg{kind: filterRule, value: "dir-merge /.rsync-filter"})
	case 2:
		*v.list = append(*v.list, filterArg{kind: filterRule, value: "- .rsync-filter"})
	}
	return nil
}

// seconds is a non-negative whole number of seconds (--timeout).
type seconds struct{ n *int }

func (v *seconds) String() string { return strconv.Itoa(*v.n) }
func (v *seconds) Type() string   { return "int" }

func (v *seconds) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return strconv.ErrSyntax
	}
	if n < 0 {
		return strconv.ErrRange
	}
	*v.n = n
	return nil
}

// deleteTimingFlag is one of --delete-before, --delete-during (--del),
// --delete-delay and --delete-after: it implies --delete and says when.
// rsync refuses two different ones; finish checks that.
type deleteTimingFlag struct {
	o    *syncOptions
	when ferry.DeleteTiming
	name string
}

func (v *deleteTimingFlag) String() string { return "false" }
func (v *deleteTimingFlag) Type() string   { return "bool" }

func (v *deleteTimingFlag) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil || !b {
		return err
	}
	v.o.sync.Delete, v.o.sync.DeleteTiming = true, v.when
	v.o.deleteWhen = append(v.o.deleteWhen, v.name)
	return nil
}

// maxDeleteFlag is --max-delete=NUM: at most NUM deletions; 0 (or, as
// rsync takes it, a negative NUM) allows none but warns of each.
type maxDeleteFlag struct{ n *int64 }

func (v *maxDeleteFlag) String() string { return strconv.FormatInt(*v.n, 10) }
func (v *maxDeleteFlag) Type() string   { return "int" }

func (v *maxDeleteFlag) Set(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return strconv.ErrSyntax
	}
	if n <= 0 {
		n = -1
	}
	*v.n = n
	return nil
}

// fileSizeFlag is --max-size or --min-size: a size in bytes with rsync's
// suffixes (K, M, G, T: powers of 1024, KB and the like: of 1000; KiB the
// same as K), optionally followed by "+1" or "-1" to adjust it by a byte.
// A --max-size of 0 lets only empty files through, stored as -1
// (ferry.Options: 0 means no limit).
type fileSizeFlag struct {
	n   *int64
	max bool
}

func (v *fileSizeFlag) String() string { return strconv.FormatInt(*v.n, 10) }
func (v *fileSizeFlag) Type() string   { return "string" }

func (v *fileSizeFlag) Set(s string) error {
	adjust := int64(0)
	switch {
	case strings.HasSuffix(s, "+1"):
		s, adjust = s[:len(s)-2], 1
	case strings.HasSuffix(s, "-1") && len(s) > 2:
		s, adjust = s[:len(s)-2], -1
	}
	if s == "" {
		return strconv.ErrSyntax
	}
	n, err := parseSize(s, 1)
	if err != nil {
		return err
	}
	n += adjust
	if n < 0 {
		return strconv.ErrRange
	}
	if n == 0 && v.max {
		n = -1
	}
	*v.n = n
	return nil
}
