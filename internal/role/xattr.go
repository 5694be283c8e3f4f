package role

import (
	"errors"
	"fmt"
	"slices"

	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/wire"
)

// CapXattrs says entries may carry extended attributes and POSIX ACLs
// (FlagXattrs, FlagACLs): a peer without it would ignore -X and -A, so a
// client refuses them then.
const CapXattrs = "xattrs"

// ErrNoXattrs reports a peer that cannot carry -X or -A.
var ErrNoXattrs = errors.New("ferry: the peer does not support -X/--xattrs or -A/--acls")

// XattrSet is what c asks to read and preserve.
func (c *Config) XattrSet() fsys.XattrSet {
	var s fsys.XattrSet
	if c.Xattrs {
		s |= fsys.XattrUser
		if !c.UserXattrsOnly {
			s |= fsys.XattrPrivileged
		}
	}
	if c.ACLs {
		s |= fsys.XattrACL
	}
	return s
}

// CheckXattrCap fails a client whose options need CapXattrs when the peer
// did not offer it.
func CheckXattrCap(cfg *Config, caps []string) error {
	if (cfg.Xattrs || cfg.ACLs) && !slices.Contains(caps, CapXattrs) {
		return fmt.Errorf("%w: %w", ErrProtocol, ErrNoXattrs)
	}
	return nil
}

// ToWireXattrs converts extended attributes for the entry stream.
func ToWireXattrs(xs []fsys.Xattr) []wire.Xattr {
	if len(xs) == 0 {
		return nil
	}
	out := make([]wire.Xattr, len(xs))
	for i, x := range xs {
		out[i] = wire.Xattr{Name: x.Name, Value: x.Value}
	}
	return out
}

// FromWireXattrs converts the entry stream's extended attributes.
func FromWireXattrs(xs []wire.Xattr) []fsys.Xattr {
	if len(xs) == 0 {
		return nil
	}
	out := make([]fsys.Xattr, len(xs))
	for i, x := range xs {
		out[i] = fsys.Xattr{Name: x.Name, Value: x.Value}
	}
	return out
}
