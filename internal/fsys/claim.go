package fsys

import (
	"errors"
	"fmt"
	"hash/fnv"
	"strings"

	"golang.org/x/sys/unix"
)

// Claims (--cooperate; docs/COOPERATION.md is their spec). Before a
// cooperating process moves a file it claims it: it creates the claim file
// beside it, exclusively, and takes an exclusive flock on it, or, when
// the claim file is there, opens it and takes the flock without waiting:
// failing, another live process holds the file; succeeding, the process
// that made the claim file died (the kernel drops a dead process's
// locks, SIGKILL included) and this one takes the file over. Once the
// lock is held the claim file must still be the one at its name (an
// inode compare): if its holder released it meanwhile, it is claimed
// again. The holder releases a claim by removing the claim file, then
// closing it, so a process woken by the close finds the name gone or
// new. A claim guards only the move of the file: whoever holds it checks
// whether the destination file is already right (the quick check) before
// moving it.

const (
	claimSuffix = ".ferry-claim"
	// maxClaimBase: a longer base is cut and given a hash of the whole.
	maxClaimBase = nameMax - 1 - len(claimSuffix)
)

// ErrClaimed is the error of a claim another live process holds.
var ErrClaimed = errors.New("claimed by another process")

// ClaimName returns the claim file name of the final path component base:
// "." + base + ".ferry-claim", or, when that is longer than 255 bytes,
// "." + base's first 226 bytes + "." + 16 hex digits of FNV-1a-64(base) +
// ".ferry-claim".
func ClaimName(base string) string {
	if len(base) <= maxClaimBase {
		return "." + base + claimSuffix
	}
	h := fnv.New64a()
	h.Write([]byte(base))
	return fmt.Sprintf(".%s.%016x%s", base[:maxClaimBase-17], h.Sum64(), claimSuffix)
}

// IsClaimName reports whether base looks like a claim file's name: never
// an entry of a transfer.
func IsClaimName(base string) bool {
	return len(base) > 1+len(claimSuffix) && base[0] == '.' && strings.HasSuffix(base, claimSuffix)
}

// Claim is a held claim on a destination file.
type Claim struct {
	r    *Root
	name string // the claim file's path in r
	fd   int
}

// Claim claims the destination file name (see the top of claim.go). With
// wait, it waits for the lock of a live holder, until that holder
// releases the claim or dies; without, such a claim is ErrClaimed.
func (r *Root) Claim(name string, wait bool) (*Claim, error) {
	if err := checkName(name, false); err != nil {
		return nil, fmt.Errorf("claim %s: %w", name, err)
	}
	dir, base := split(name)
	cn := ClaimName(base)
	if dir != "." {
		cn = dir + "/" + cn
	}
	for {
		c, again, err := r.tryClaim(cn, wait)
		if err != nil {
			return nil, fmt.Errorf("claim %s: %w", name, err)
		}
		if !again {
			return c, nil
		}
	}
}

// tryClaim makes one attempt; again says the claim file changed under it.
func (r *Root) tryClaim(cn string, wait bool) (c *Claim, again bool, err error) {
	p, err := r.openParent(cn)
	if err != nil {
		return nil, false, err
	}
	defer p.close()
	const flags = unix.O_RDWR | unix.O_NOFOLLOW | unix.O_CLOEXEC
	fd, err := unix.Openat(p.fd, p.base, flags|unix.O_CREAT|unix.O_EXCL, 0o600)
	if errors.Is(err, unix.EEXIST) {
		fd, err = unix.Openat(p.fd, p.base, flags, 0)
		if errors.Is(err, unix.ENOENT) {
			return nil, true, nil // released meanwhile
		}
	}
	if err != nil {
		return nil, false, err
	}
	how := unix.LOCK_EX
	if !wait {
		how |= unix.LOCK_NB
	}
	for {
		err = unix.Flock(fd, how)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		unix.Close(fd)
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, false, ErrClaimed
		}
		return nil, false, err
	}
	var held, now unix.Stat_t
	if err := unix.Fstat(fd, &held); err != nil {
		unix.Close(fd)
		return nil, false, err
	}
	if err := unix.Fstatat(p.fd, p.base, &now, unix.AT_SYMLINK_NOFOLLOW); err != nil || now.Ino != held.Ino || now.Dev != held.Dev {
		unix.Close(fd)
		return nil, true, nil // released (and maybe claimed anew) meanwhile
	}
	return &Claim{r: r, name: cn, fd: fd}, false, nil
}

// Release gives the claim up: the claim file is removed, then closed
// (which drops the lock). Releasing twice does nothing.
func (c *Claim) Release() error {
	if c == nil || c.fd < 0 {
		return nil
	}
	var err error
	if p, perr := c.r.openParent(c.name); perr != nil {
		err = perr
	} else {
		if uerr := unix.Unlinkat(p.fd, p.base, 0); uerr != nil && !errors.Is(uerr, unix.ENOENT) {
			err = uerr
		}
		p.close()
	}
	unix.Close(c.fd)
	c.fd = -1
	if err != nil {
		return fmt.Errorf("release claim %s: %w", c.name, err)
	}
	return nil
}

// RemoveStaleClaim removes the claim file name (IsClaimName) when no live
// process holds its lock: its process died and nobody took its file over.
// A claim file some process holds, or one that is not a claim name, is
// left alone.
func (r *Root) RemoveStaleClaim(name string) error {
	if err := checkName(name, false); err != nil {
		return fmt.Errorf("remove %s: %w", name, err)
	}
	if _, base := split(name); !IsClaimName(base) {
		return nil
	}
	c, again, err := r.tryClaim(name, false)
	switch {
	case errors.Is(err, ErrClaimed), again, errors.Is(err, unix.ENOENT):
		return nil
	case err != nil:
		return quietErr(name, err)
	}
	return c.Release()
}
