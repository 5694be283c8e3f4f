package daemon

import (
	"os/user"
	"strconv"

	"github.com/BurntSushi/toml"
)

// nobodyID is the uid and gid of "nobody" when the system has no such
// user (the value on Linux and most BSDs).
const nobodyID = 65534

// defaults checks the global limits and fills in the defaults of those
// the file leaves out: an explicit 0 keeps meaning "none".
func (v *validator) defaults(c *Config) error {
	for _, k := range []struct {
		key string
		val *int
		def int
	}{
		{"max_connections", &c.MaxConnections, DefaultMaxConnections},
		{"max_connections_per_host", &c.MaxPerHost, DefaultMaxPerHost},
		{"min_rate", &c.MinRate, DefaultMinRate},
		{"memory_limit", &c.MemoryLimit, DefaultMemoryLimit},
	} {
		if *k.val < 0 {
			return v.errorf(toml.Key{k.key}, "must not be negative")
		}
		if !v.md.IsDefined(k.key) {
			*k.val = k.def
		}
	}
	if !v.md.IsDefined("timeout") {
		c.Timeout = Duration(DefaultTimeout)
	}
	return nil
}

// moduleIDs returns the credentials a module's sessions run with (-1:
// the daemon's own). A daemon running as root serves a writable module
// without uid as "nobody" (and nobody's group unless gid is set), as
// rsyncd does: a client's files then never belong to root. Set uid = 0 to
// serve it as root.
func moduleIDs(m *Module, root bool) (uid, gid int, err error) {
	uid, gid = m.uid, m.gid
	if !root || m.IsReadOnly() || m.UID.Set {
		return uid, gid, nil
	}
	uid, ngid := nobodyID, nobodyID
	if u, err := user.Lookup("nobody"); err == nil {
		if n, err := strconv.Atoi(u.Uid); err == nil {
			uid = n
		}
		if n, err := strconv.Atoi(u.Gid); err == nil {
			ngid = n
		}
	}
	if !m.GID.Set {
		gid = ngid
	}
	return uid, gid, nil
}
