package tree

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidPath reports a path that is not a valid relative entry path
// (see ValidPath).
var ErrInvalidPath = errors.New("ferry: invalid path")

// Compare compares two slash-separated relative paths in canonical order and
// returns -1, 0 or +1. Paths are compared component by component, each
// component byte-wise, so a directory is immediately followed by all of its
// contents (depth-first pre-order): "a" < "a/b" < "a/c" < "a.c" < "b". The
// transfer root "." sorts before every other path.
func Compare(a, b string) int {
	if a == b {
		return 0
	}
	if a == "." {
		return -1
	}
	if b == "." {
		return 1
	}
	n := min(len(a), len(b))
	for i := range n {
		ca, cb := a[i], b[i]
		if ca == cb {
			continue
		}
		// A separator ends a component: it sorts before any name byte.
		if ca == '/' {
			return -1
		}
		if cb == '/' {
			return 1
		}
		if ca < cb {
			return -1
		}
		return 1
	}
	if len(a) < len(b) {
		return -1
	}
	return 1
}

// Contains reports whether p is dir itself or lies inside dir. The root "."
// contains every path.
func Contains(dir, p string) bool {
	if dir == "." || dir == p {
		return true
	}
	return len(p) > len(dir) && p[len(dir)] == '/' && p[:len(dir)] == dir
}

// Join returns the path of the entry name inside directory dir, where dir is
// "." for the transfer root.
func Join(dir, name string) string {
	if dir == "." || dir == "" {
		return name
	}
	return dir + "/" + name
}

// ValidPath checks that p is a valid entry path: "." for the transfer root,
// or a non-empty relative slash-separated path without empty, "." or ".."
// components, without a leading or trailing "/" and without NUL bytes. Every
// path received from a peer must pass ValidPath before it is used. The error
// wraps ErrInvalidPath.
func ValidPath(p string) error {
	if p == "." {
		return nil
	}
	if p == "" {
		return fmt.Errorf("%w: empty", ErrInvalidPath)
	}
	if p[0] == '/' {
		return fmt.Errorf("%w: %q is absolute", ErrInvalidPath, p)
	}
	if strings.IndexByte(p, 0) >= 0 {
		return fmt.Errorf("%w: %q contains a NUL byte", ErrInvalidPath, p)
	}
	for rest := p; ; {
		comp, tail, more := strings.Cut(rest, "/")
		switch comp {
		case "":
			return fmt.Errorf("%w: %q has an empty component", ErrInvalidPath, p)
		case ".", "..":
			return fmt.Errorf("%w: %q has a %q component", ErrInvalidPath, p, comp)
		}
		if !more {
			return nil
		}
		rest = tail
	}
}
