package tree

import (
	"fmt"
	"strconv"
	"strings"
)

// Chmod is a parsed --chmod list: rsync's comma-separated chmod(1)-style
// modes, each optionally limited to directories ("D") or files ("F"),
// applied in order to the permissions of the entries as though the sender
// had them. The zero value changes nothing.
type Chmod struct {
	items []chmodItem
}

type chmodItem struct {
	dirs, files bool // which entries it applies to
	octal       bool
	value       uint32 // octal: the new 07777 bits
	ops         []chmodOp
}

type chmodOp struct {
	who  uint32 // the bits of the classes named (07777 for a, 04700 for u...)
	op   byte   // '+', '-' or '='
	perm uint32 // rwxst bits for every class, masked by who when applied
	bigX bool   // X: x where the entry is a directory or has an x bit
}

// ParseChmod parses the --chmod values given (each may hold a
// comma-separated list).
func ParseChmod(specs []string) (Chmod, error) {
	var c Chmod
	for _, spec := range specs {
		for _, s := range strings.Split(spec, ",") {
			it, err := parseChmodItem(s)
			if err != nil {
				return Chmod{}, fmt.Errorf("--chmod %q: %w", s, err)
			}
			c.items = append(c.items, it)
		}
	}
	return c, nil
}

func parseChmodItem(s string) (chmodItem, error) {
	it := chmodItem{dirs: true, files: true}
	switch {
	case strings.HasPrefix(s, "D"):
		it.files, s = false, s[1:]
	case strings.HasPrefix(s, "F"):
		it.dirs, s = false, s[1:]
	}
	if s == "" {
		return it, fmt.Errorf("empty mode")
	}
	if s[0] >= '0' && s[0] <= '7' {
		v, err := strconv.ParseUint(s, 8, 32)
		if err != nil || v > 0o7777 {
			return it, fmt.Errorf("bad octal mode")
		}
		it.octal, it.value = true, uint32(v)
		return it, nil
	}
	var who uint32
	i := 0
	for ; i < len(s) && strings.IndexByte("ugoa", s[i]) >= 0; i++ {
		switch s[i] {
		case 'u':
			who |= 0o4700
		case 'g':
			who |= 0o2070
		case 'o':
			who |= 0o1007
		case 'a':
			who |= 0o5777
		}
	}
	// "a", or no class, reaches setuid and sticky but not setgid: "a-s"
	// clears only setuid, as in rsync ("ug-s" clears both).
	if who == 0 {
		who = 0o5777
	}
	if i == len(s) {
		return it, fmt.Errorf("missing +, - or =")
	}
	for i < len(s) {
		op := chmodOp{who: who, op: s[i]}
		if strings.IndexByte("+-=", op.op) < 0 {
			return it, fmt.Errorf("unexpected %q", s[i])
		}
		for i++; i < len(s) && strings.IndexByte("+-=", s[i]) < 0; i++ {
			switch s[i] {
			case 'r':
				op.perm |= 0o444
			case 'w':
				op.perm |= 0o222
			case 'x':
				op.perm |= 0o111
			case 'X':
				op.bigX = true
			case 's':
				op.perm |= 0o6000
			case 't':
				op.perm |= 0o1000
			default:
				return it, fmt.Errorf("unexpected %q", s[i])
			}
		}
		it.ops = append(it.ops, op)
	}
	return it, nil
}

// Empty reports whether c changes nothing.
func (c Chmod) Empty() bool { return len(c.items) == 0 }

// Apply returns mode (07777 bits) as c changes it for an entry that is a
// directory or not.
func (c Chmod) Apply(mode uint32, dir bool) uint32 {
	for _, it := range c.items {
		if dir && !it.dirs || !dir && !it.files {
			continue
		}
		if it.octal {
			mode = it.value
			continue
		}
		for _, op := range it.ops {
			perm := op.perm
			if op.bigX && (dir || mode&0o111 != 0) {
				perm |= 0o111
			}
			perm &= op.who
			switch op.op {
			case '+':
				mode |= perm
			case '-':
				mode &^= perm
			case '=': // the rwx bits of who; setuid, setgid and sticky stay (as rsync)
				mode = mode&^(op.who&0o777) | perm
			}
		}
	}
	return mode & 0o7777
}
