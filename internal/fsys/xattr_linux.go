package fsys

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// ReadXattrs returns the attributes that set selects of the entry name in
// the open directory dirfd (name "" for dirfd itself), sorted by name,
// without following a final symlink. A file system without extended
// attributes gives none, not an error.
func ReadXattrs(dirfd int, name string, set XattrSet, root bool) ([]Xattr, error) {
	if set == 0 {
		return nil, nil
	}
	at := xattrAt(dirfd, name)
	names, err := at.list()
	if err != nil || len(names) == 0 {
		return nil, err
	}
	var out []Xattr
	for _, n := range names {
		if !set.Has(n, root) {
			continue
		}
		v, err := at.get(n)
		if errors.Is(err, unix.ENODATA) {
			continue // removed since the list was read
		}
		if err != nil {
			return nil, fmt.Errorf("getxattr %s: %w", n, err)
		}
		out = append(out, Xattr{Name: n, Value: v})
	}
	slices.SortFunc(out, func(a, b Xattr) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// xattrTarget is an open file (path "") or an entry named through
// /proc/self/fd: the *xattr calls have no *at form. The directory there is
// a descriptor already confined, and the final component is one name whose
// symlink the l* calls do not follow.
type xattrTarget struct {
	fd   int
	path string
}

// xattrAt names the entry name of the open directory dirfd, or dirfd itself
// when name is "".
func xattrAt(dirfd int, name string) xattrTarget {
	if name == "" {
		return xattrTarget{fd: dirfd}
	}
	return xattrTarget{fd: -1, path: "/proc/self/fd/" + strconv.Itoa(dirfd) + "/" + name}
}

func (t xattrTarget) listInto(buf []byte) (int, error) {
	if t.path == "" {
		return unix.Flistxattr(t.fd, buf)
	}
	return unix.Llistxattr(t.path, buf)
}

func (t xattrTarget) getInto(name string, buf []byte) (int, error) {
	if t.path == "" {
		return unix.Fgetxattr(t.fd, name, buf)
	}
	return unix.Lgetxattr(t.path, name, buf)
}

func (t xattrTarget) set(name string, v []byte) error {
	if t.path == "" {
		return unix.Fsetxattr(t.fd, name, v, 0)
	}
	return unix.Lsetxattr(t.path, name, v, 0)
}

func (t xattrTarget) remove(name string) error {
	if t.path == "" {
		return unix.Fremovexattr(t.fd, name)
	}
	return unix.Lremovexattr(t.path, name)
}

// list returns the attribute names.
func (t xattrTarget) list() ([]string, error) {
	buf := make([]byte, 256)
	for {
		n, err := t.listInto(buf)
		switch {
		case errors.Is(err, unix.ERANGE):
			size, err := t.listInto(nil)
			if err != nil {
				return nil, fmt.Errorf("listxattr: %w", err)
			}
			buf = make([]byte, size+64)
			continue
		case errors.Is(err, unix.ENOTSUP):
			return nil, nil
		case err != nil:
			return nil, fmt.Errorf("listxattr: %w", err)
		}
		var names []string
		for _, b := range bytes.Split(buf[:n], []byte{0}) {
			if len(b) > 0 {
				names = append(names, string(b))
			}
		}
		return names, nil
	}
}

// get returns the value of the attribute name.
func (t xattrTarget) get(name string) ([]byte, error) {
	buf := make([]byte, 128)
	for {
		n, err := t.getInto(name, buf)
		if errors.Is(err, unix.ERANGE) {
			size, err := t.getInto(name, nil)
			if err != nil {
				return nil, err
			}
			buf = make([]byte, size+64)
			continue
		}
		if err != nil {
			return nil, err
		}
		return buf[:n:n], nil
	}
}

// setXattrs makes the attributes of t that set selects equal to want: what
// is missing or different is set, what is not wanted is removed.
func (r *Root) setXattrs(t xattrTarget, want []Xattr, set XattrSet) error {
	root := r.euid == 0
	have, err := t.list()
	if err != nil {
		return err
	}
	for _, n := range have {
		if !set.Has(n, root) || slices.ContainsFunc(want, func(x Xattr) bool { return x.Name == n }) {
			continue
		}
		if err := t.remove(n); err != nil && !errors.Is(err, unix.ENODATA) {
			return fmt.Errorf("removexattr %s: %w", n, err)
		}
	}
	for _, x := range want {
		if !set.Has(x.Name, root) {
			continue
		}
		if slices.Contains(have, x.Name) {
			if v, err := t.get(x.Name); err == nil && bytes.Equal(v, x.Value) {
				continue
			}
		}
		if err := t.set(x.Name, x.Value); err != nil {
			return fmt.Errorf("setxattr %s: %w", x.Name, err)
		}
	}
	return nil
}
