package tree

import (
	"fmt"
	"strings"

	"github.com/ferrysync/ferry/internal/fsys"
)

// Chmod is a parsed --chmod list: rsync's comma-separated chmod(1)-style
// modes, each optionally limited to directories ("D") or files ("F"),
// applied in order to the permissions of the entries as though the sender
// had them, bit for bit as rsync 3.5.0 does (testdata/chmod-rsync.txt).
// The zero value changes nothing.
type Chmod struct {
	ops []chmodOp
}

// chmodOp is one change: mode = mode&and | or, then the copied class bits
// are added (or taken away, for '-').
type chmodOp struct {
	dirs, files bool // which entries it applies to
	and, or     uint32
	keepX       bool   // X: or's x bits only where the entry is a directory or had an x bit
	sub         bool   // '-': the copied bits are cleared
	copySrc     uint32 // u=g style: the classes copied (0100 u, 0010 g, 0001 o)
	copyDst     uint32 // the classes they are copied to, as 0111 for a
	copyMask    uint32 // what of the copy may be set (the umask when no class was named)
}

// ParseChmod parses the --chmod values given (each may hold a
// comma-separated list), with the process umask for modes that name no
// class ("+w" is "a+w" less the umask, as in chmod(1)).
func ParseChmod(specs []string) (Chmod, error) {
	return parseChmod(specs, fsys.Umask())
}

func parseChmod(specs []string, umask uint32) (Chmod, error) {
	var c Chmod
	for _, spec := range specs {
		for _, s := range strings.Split(spec, ",") {
			ops, err := parseChmodItem(s, umask)
			if err != nil {
				return Chmod{}, fmt.Errorf("--chmod %q: %w", s, err)
			}
			c.ops = append(c.ops, ops...)
		}
	}
	return c, nil
}

// parseChmodItem parses one item: [DF]*[ugoa]*, then an octal mode, or
// one or more [+-=] each followed by [rwxXst]* or by one of u, g, o (copy
// that class's bits). Several operators in one item ("u+r-w", as chmod(1)
// takes) are ferry's extension; rsync takes one.
func parseChmodItem(s string, umask uint32) ([]chmodOp, error) {
	dirs, files := true, true
	var where, topbits uint32
	i := 0
who:
	for ; i < len(s); i++ {
		switch s[i] {
		case 'D':
			if !dirs {
				return nil, fmt.Errorf("both D and F")
			}
			files = false
		case 'F':
			if !files {
				return nil, fmt.Errorf("both D and F")
			}
			dirs = false
		case 'u':
			where, topbits = where|0o100, topbits|0o4000
		case 'g':
			where, topbits = where|0o010, topbits|0o2000
		case 'o':
			where |= 0o001
		case 'a':
			where, topbits = where|0o111, topbits|0o6000
		default:
			break who
		}
	}
	if i == len(s) {
		if where == 0 {
			return nil, fmt.Errorf("empty mode")
		}
		return nil, fmt.Errorf("missing +, - or =")
	}
	if s[i] >= '0' && s[i] <= '7' {
		if where != 0 {
			return nil, fmt.Errorf("a class before an octal mode")
		}
		var v uint32
		for _, ch := range s[i:] {
			if ch < '0' || ch > '7' {
				return nil, fmt.Errorf("bad octal mode")
			}
			if v = v*8 + uint32(ch-'0'); v > 0o7777 {
				return nil, fmt.Errorf("octal mode above 7777")
			}
		}
		return []chmodOp{{dirs: dirs, files: files, and: 0, or: v}}, nil
	}
	var ops []chmodOp
	for i < len(s) {
		op := s[i]
		if strings.IndexByte("+-=", op) < 0 {
			return nil, fmt.Errorf("unexpected %q", s[i])
		}
		var what, topoct, copySrc uint32
		keepX := false
		for i++; i < len(s) && strings.IndexByte("+-=", s[i]) < 0; i++ {
			ch := s[i]
			if copySrc != 0 || strings.IndexByte("ugo", ch) >= 0 && (what != 0 || topoct != 0) {
				return nil, fmt.Errorf("%q after a class to copy from", ch)
			}
			switch ch {
			case 'r':
				what |= 4
			case 'w':
				what |= 2
			case 'X':
				keepX = true
				what |= 1
			case 'x':
				what |= 1
			case 's':
				// A class without its own set-id bit ("o", or none)
				// means setuid, and replaces what came before (rsync).
				if topbits != 0 {
					topoct |= topbits
				} else {
					topoct = 0o4000
				}
			case 't':
				topoct |= 0o1000
			case 'u':
				copySrc = 0o100
			case 'g':
				copySrc = 0o010
			case 'o':
				copySrc = 0o001
			default:
				return nil, fmt.Errorf("unexpected %q", ch)
			}
		}
		o := chmodOp{dirs: dirs, files: files, keepX: keepX, copySrc: copySrc, copyMask: 0o7777}
		dst, bits := where, where*what
		if where == 0 {
			dst = 0o111
			bits = dst * what &^ umask
			o.copyMask = ^umask & 0o7777
		}
		o.copyDst = dst
		switch op {
		case '+':
			o.and, o.or = 0o7777, bits|topoct
		case '-':
			o.and, o.sub = 0o7777&^(bits|topoct), true
		case '=':
			clear := dst * 7
			if topoct != 0 {
				clear |= topbits
			}
			if copySrc != 0 {
				clear |= specialBits(dst)
			}
			o.and, o.or = 0o7777&^clear, bits|topoct
		}
		ops = append(ops, o)
	}
	return ops, nil
}

// specialBits returns the set-id and sticky bits of the classes in where
// (0100 u: setuid, 0010 g: setgid, 0001 o: sticky).
func specialBits(where uint32) uint32 {
	var b uint32
	if where&0o100 != 0 {
		b |= 0o4000
	}
	if where&0o010 != 0 {
		b |= 0o2000
	}
	if where&0o001 != 0 {
		b |= 0o1000
	}
	return b
}

// Empty reports whether c changes nothing.
func (c Chmod) Empty() bool { return len(c.ops) == 0 }

// Apply returns mode (07777 bits) as c changes it for an entry that is a
// directory or not.
func (c Chmod) Apply(mode uint32, dir bool) uint32 {
	mode &= 0o7777
	hadX := mode&0o111 != 0
	for _, o := range c.ops {
		if dir && !o.dirs || !dir && !o.files {
			continue
		}
		var copied uint32
		if o.copySrc != 0 {
			var cls uint32
			switch o.copySrc {
			case 0o100:
				cls = mode >> 6 & 7
			case 0o010:
				cls = mode >> 3 & 7
			default:
				cls = mode & 7
			}
			copied = o.copyDst * cls & o.copyMask
		}
		mode &= o.and
		if o.keepX && !hadX && !dir {
			mode |= o.or &^ 0o111
		} else {
			mode |= o.or
		}
		if o.sub {
			mode &^= copied
		} else {
			mode |= copied
		}
	}
	return mode
}
