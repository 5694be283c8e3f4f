package tree

import (
	"os/user"
	"strconv"
	"sync"
	"time"
)

// idNames is the process-wide cache of user and group names: os/user
// lookups parse /etc/passwd or ask NSS each time, far too slow per entry.
var idNames = &nameCache{}

// nameTTL is how long the cache keeps what it learnt: a long-running
// daemon sees users and groups added or renamed after its start.
const nameTTL = time.Minute

// nameCache maps numeric ids to names and back, remembering misses too,
// for nameTTL at most.
type nameCache struct {
	mu     sync.Mutex // guards the fields that follow
	since  time.Time  // when the maps were started
	users  map[uint32]string
	groups map[uint32]string
	uids   map[string]idResult
	gids   map[string]idResult
}

type idResult struct {
	id uint32
	ok bool
}

// expire empties the maps when they are older than nameTTL; c.mu held.
func (c *nameCache) expire() {
	if now := time.Now(); now.Sub(c.since) > nameTTL {
		c.users, c.groups, c.uids, c.gids, c.since = nil, nil, nil, nil, now
	}
}

func (c *nameCache) user(uid uint32) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expire()
	if name, ok := c.users[uid]; ok {
		return name
	}
	name := ""
	if u, err := user.LookupId(strconv.FormatUint(uint64(uid), 10)); err == nil {
		name = u.Username
	}
	if c.users == nil {
		c.users = make(map[uint32]string)
	}
	c.users[uid] = name
	return name
}

func (c *nameCache) group(gid uint32) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expire()
	if name, ok := c.groups[gid]; ok {
		return name
	}
	name := ""
	if g, err := user.LookupGroupId(strconv.FormatUint(uint64(gid), 10)); err == nil {
		name = g.Name
	}
	if c.groups == nil {
		c.groups = make(map[uint32]string)
	}
	c.groups[gid] = name
	return name
}

// UserID returns the local uid of the user called name, for mapping owners
// by name on a receiver (rsync without --numeric-ids). Results are cached.
func UserID(name string) (uint32, bool) {
	return idNames.lookup(name, &idNames.uids, func(n string) (string, error) {
		u, err := user.Lookup(n)
		if err != nil {
			return "", err
		}
		return u.Uid, nil
	})
}

// GroupID returns the local gid of the group called name. Results are
// cached.
func GroupID(name string) (uint32, bool) {
	return idNames.lookup(name, &idNames.gids, func(n string) (string, error) {
		g, err := user.LookupGroup(n)
		if err != nil {
			return "", err
		}
		return g.Gid, nil
	})
}

func (c *nameCache) lookup(name string, m *map[string]idResult, find func(string) (string, error)) (uint32, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expire()
	if r, ok := (*m)[name]; ok {
		return r.id, r.ok
	}
	var r idResult
	if name != "" {
		if s, err := find(name); err == nil {
			if id, err := strconv.ParseUint(s, 10, 32); err == nil {
				r = idResult{id: uint32(id), ok: true}
			}
		}
	}
	if *m == nil {
		*m = make(map[string]idResult)
	}
	(*m)[name] = r
	return r.id, r.ok
}

// UserName returns the name of the user uid ("" when it has none), for
// senders that list owners by name. Results are cached.
func UserName(uid uint32) string { return idNames.user(uid) }

// GroupName returns the name of the group gid ("" when it has none).
// Results are cached.
func GroupName(gid uint32) string { return idNames.group(gid) }
