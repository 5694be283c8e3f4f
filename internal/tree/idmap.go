package tree

import (
	"fmt"
	"path"
	"strconv"
	"strings"
)

// IDMap is a parsed --usermap or --groupmap (or half of --chown): rules
// FROM:TO tried in order, the first match wins. FROM is a name, a
// wildcard pattern over names ("*", "www-*"), a number or a range
// "LOW-HIGH"; TO is a name or a number. The nil IDMap changes nothing.
type IDMap struct {
	group bool
	rules []idRule
}

type idRule struct {
	pattern  string // name or wildcard; "" when numeric
	low, hi  uint32 // numeric FROM
	numeric  bool
	toName   string // "" when toID is meant
	toID     uint32
	toLookup bool // toName resolved to toID here, when it exists
}

// ParseIDMap parses a comma-separated --usermap (group false) or
// --groupmap (group true) value.
func ParseIDMap(spec string, group bool) (*IDMap, error) {
	m := &IDMap{group: group}
	for _, item := range strings.Split(spec, ",") {
		from, to, ok := strings.Cut(item, ":")
		if !ok || from == "" || to == "" {
			return nil, fmt.Errorf("bad map item %q: want FROM:TO", item)
		}
		var r idRule
		if lo, hi, isRange := strings.Cut(from, "-"); isRange && isNumber(lo) && isNumber(hi) {
			r.numeric, r.low, r.hi = true, parseID(lo), parseID(hi)
		} else if isNumber(from) {
			r.numeric, r.low, r.hi = true, parseID(from), parseID(from)
		} else {
			if _, err := path.Match(from, ""); err != nil {
				return nil, fmt.Errorf("bad pattern %q: %w", from, err)
			}
			r.pattern = from
		}
		if isNumber(to) {
			r.toID = parseID(to)
		} else {
			r.toName = to
			if group {
				r.toID, r.toLookup = GroupID(to)
			} else {
				r.toID, r.toLookup = UserID(to)
			}
		}
		m.rules = append(m.rules, r)
	}
	return m, nil
}

func isNumber(s string) bool {
	_, err := strconv.ParseUint(s, 10, 32)
	return err == nil
}

func parseID(s string) uint32 {
	n, _ := strconv.ParseUint(s, 10, 32)
	return uint32(n)
}

// Apply maps e's owner (or group): the first rule whose FROM matches the
// entry's name or number sets the name and the number. A name unknown
// here keeps its number as sent and travels by name, for the receiver to
// resolve.
func (m *IDMap) Apply(e *Entry) {
	if m == nil {
		return
	}
	id, name := &e.UID, &e.User
	if m.group {
		id, name = &e.GID, &e.Group
	}
	for _, r := range m.rules {
		if !r.matches(*id, *name) {
			continue
		}
		*name = r.toName
		if r.toName == "" || r.toLookup {
			*id = r.toID
		}
		return
	}
}

func (r idRule) matches(id uint32, name string) bool {
	if r.numeric {
		return id >= r.low && id <= r.hi
	}
	if r.pattern == "*" {
		return true
	}
	ok, _ := path.Match(r.pattern, name)
	return ok && name != ""
}
