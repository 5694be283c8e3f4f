package fsys

import (
	"bytes"
	"slices"
	"strings"
)

// Xattr is one extended attribute: its full name ("user.mime_type",
// "system.posix_acl_access") and its raw value.
type Xattr struct {
	Name  string
	Value []byte
}

// XattrSet selects the extended attributes ferry reads on a source and
// manages on a destination. The zero value selects none.
type XattrSet uint8

// Parts of an XattrSet.
const (
	// XattrUser is the user namespace (-X).
	XattrUser XattrSet = 1 << iota
	// XattrPrivileged is the trusted and security namespaces, which only
	// root reads and writes: -X as root (rsync's choice: root copies every
	// namespace but system). security.capability holds file capabilities,
	// so a daemon never takes them from a client.
	XattrPrivileged
	// XattrACL is -A: the POSIX ACLs, system.posix_acl_access and (on
	// directories) system.posix_acl_default, raw: the ids in them are
	// numeric.
	XattrACL
)

// ACL attribute names.
const (
	ACLAccess  = "system.posix_acl_access"
	ACLDefault = "system.posix_acl_default"
)

// Has reports whether s selects the attribute name for a process that is
// root or not.
func (s XattrSet) Has(name string, root bool) bool {
	switch {
	case name == ACLAccess || name == ACLDefault:
		return s&XattrACL != 0
	case strings.HasPrefix(name, "user."):
		return s&XattrUser != 0
	case strings.HasPrefix(name, "trusted."), strings.HasPrefix(name, "security."):
		return s&XattrPrivileged != 0 && root
	}
	return false
}

// IsACL reports whether name is one of the POSIX ACL attributes.
func IsACL(name string) bool { return name == ACLAccess || name == ACLDefault }

// XattrsEqual reports whether a and b (each sorted by name) hold the same
// attributes selected by keep.
func XattrsEqual(a, b []Xattr, keep func(name string) bool) bool {
	a, b = selectXattrs(a, keep), selectXattrs(b, keep)
	return slices.EqualFunc(a, b, func(x, y Xattr) bool { return x.Name == y.Name && bytes.Equal(x.Value, y.Value) })
}

// selectXattrs returns the attributes of xs that keep selects.
func selectXattrs(xs []Xattr, keep func(string) bool) []Xattr {
	var out []Xattr
	for _, x := range xs {
		if keep(x.Name) {
			out = append(out, x)
		}
	}
	return out
}
