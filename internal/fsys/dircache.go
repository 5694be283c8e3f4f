package fsys

import (
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// dirCacheSize is the number of parent directories a Root keeps open.
// Files arrive in canonical order, so the same few directories repeat.
const dirCacheSize = 4

// dirCache keeps the most recently used parent directories open. An entry
// in use (refs > 0) that leaves the cache is closed when its last user
// releases it. Anything that may move or remove a directory (Remove,
// RemoveAll, Rename) empties the cache, so a cached descriptor never
// stands for a name that now means another directory.
type dirCache struct {
	// mu guards the fields that follow, and every cachedDir's refs and
	// evicted.
	mu      sync.Mutex
	entries []*cachedDir // most recently used last
}

// cachedDir is one open directory.
type cachedDir struct {
	cache   *dirCache
	dir     string
	fd      int
	f       *os.File // set when opened through os.Root
	refs    int
	evicted bool
}

// get returns the entry for dir, in use, or nil.
func (dc *dirCache) get(dir string) *cachedDir {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	for i := len(dc.entries) - 1; i >= 0; i-- {
		c := dc.entries[i]
		if c.dir == dir {
			c.refs++
			if i != len(dc.entries)-1 {
				copy(dc.entries[i:], dc.entries[i+1:])
				dc.entries[len(dc.entries)-1] = c
			}
			return c
		}
	}
	return nil
}

// put adds a new entry (already in use by its opener), evicting the least
// recently used one when full. Another entry for the same directory,
// opened concurrently, is evicted.
func (dc *dirCache) put(c *cachedDir) {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	c.cache = dc
	kept := dc.entries[:0]
	for _, e := range dc.entries {
		if e.dir == c.dir {
			e.evictLocked()
			continue
		}
		kept = append(kept, e)
	}
	dc.entries = kept
	if len(dc.entries) == dirCacheSize {
		dc.entries[0].evictLocked()
		dc.entries = append(dc.entries[:0], dc.entries[1:]...)
	}
	dc.entries = append(dc.entries, c)
}

// clear evicts every entry.
func (dc *dirCache) clear() {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	for _, e := range dc.entries {
		e.evictLocked()
	}
	dc.entries = dc.entries[:0]
}

// release ends one use of c.
func (c *cachedDir) release() {
	dc := c.cache
	dc.mu.Lock()
	defer dc.mu.Unlock()
	c.refs--
	if c.evicted && c.refs == 0 {
		c.closeFd()
	}
}

// evictLocked takes c out of service; it closes now if unused.
func (c *cachedDir) evictLocked() {
	c.evicted = true
	if c.refs == 0 {
		c.closeFd()
	}
}

func (c *cachedDir) closeFd() {
	if c.f != nil {
		c.f.Close()
	} else {
		unix.Close(c.fd)
	}
	c.fd = -1
}
