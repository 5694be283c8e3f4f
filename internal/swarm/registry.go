package swarm

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// Registry is an origin's list of mirrors: each registered with the
// generation it holds and a time to live. A mirror that does not register
// again before its TTL ends is dropped; one is nominated only for the
// generation it reported.
type Registry struct {
	// config
	now    func() time.Time
	maxTTL time.Duration

	mu       sync.Mutex // guards mirrors and fetchers
	mirrors  map[string]registration
	fetchers map[Hash]int // open connections that took each generation's manifest
}

type registration struct {
	user    string
	gen     Hash
	expires time.Time
}

// Registry limits.
const (
	MinTTL        = 10 * time.Second
	DefaultMaxTTL = time.Hour
	maxMirrors    = 1024
	maxAddress    = 1024
)

// NewRegistry returns an empty registry on clock now (nil: time.Now);
// TTLs are capped at maxTTL (0: DefaultMaxTTL).
func NewRegistry(now func() time.Time, maxTTL time.Duration) *Registry {
	if now == nil {
		now = time.Now
	}
	if maxTTL <= 0 {
		maxTTL = DefaultMaxTTL
	}
	return &Registry{now: now, maxTTL: maxTTL, mirrors: map[string]registration{}}
}

// Register records (or renews) mirror address, registered by user, at
// generation gen for ttl (clamped to [MinTTL, maxTTL]), and returns the
// TTL granted; false when the registry is full.
func (r *Registry) Register(address, user string, gen Hash, ttl time.Duration) (time.Duration, bool) {
	ttl = min(max(ttl, MinTTL), r.maxTTL)
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	r.pruneLocked(now)
	if _, ok := r.mirrors[address]; !ok && len(r.mirrors) >= maxMirrors {
		return 0, false
	}
	r.mirrors[address] = registration{user: user, gen: gen, expires: now.Add(ttl)}
	return ttl, true
}

// MirrorInfo is one live mirror.
type MirrorInfo struct {
	Address    string
	Generation Hash
	ExpiresIn  time.Duration
}

// Live returns the live mirrors, by address.
func (r *Registry) Live() []MirrorInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	r.pruneLocked(now)
	out := make([]MirrorInfo, 0, len(r.mirrors))
	for a, m := range r.mirrors {
		out = append(out, MirrorInfo{Address: a, Generation: m.gen, ExpiresIn: m.expires.Sub(now)})
	}
	slices.SortFunc(out, func(a, b MirrorInfo) int { return strings.Compare(a.Address, b.Address) })
	return out
}

// Nominate returns the live mirrors that reported generation gen.
func (r *Registry) Nominate(gen Hash) []MirrorInfo {
	var out []MirrorInfo
	for _, m := range r.Live() {
		if m.Generation == gen {
			out = append(out, m)
		}
	}
	return out
}

func (r *Registry) pruneLocked(now time.Time) {
	for a, m := range r.mirrors {
		if !now.Before(m.expires) {
			delete(r.mirrors, a)
		}
	}
}
