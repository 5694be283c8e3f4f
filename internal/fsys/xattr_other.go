//go:build !linux

package fsys

import "errors"

// errNoXattrs reports that this system's extended attributes are not
// supported by ferry yet.
var errNoXattrs = errors.New("extended attributes are supported on Linux only")

// ReadXattrs returns no attributes when set is empty, else an error: ferry
// reads extended attributes on Linux only.
func ReadXattrs(dirfd int, name string, set XattrSet, root bool) ([]Xattr, error) {
	if set == 0 {
		return nil, nil
	}
	return nil, errNoXattrs
}

// xattrTarget is an open file or an entry of an open directory.
type xattrTarget struct{}

func xattrAt(dirfd int, name string) xattrTarget { return xattrTarget{} }

func (r *Root) setXattrs(t xattrTarget, want []Xattr, set XattrSet) error {
	return errNoXattrs
}
