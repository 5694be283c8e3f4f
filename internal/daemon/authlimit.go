package daemon

import (
	"net/netip"
	"sync"
	"time"
)

// Failed-login backoff: after n failed logins in a row from one host
// (hostKey), that host may not try again for loginBackoff(n): nothing for
// the first freeLogins (a user mistyping), then 1s, 2s, 4s... up to
// maxLoginBackoff. An attempt during the backoff is refused
// before the challenge, costing the daemon no key derivation. A host's
// record is forgotten loginForget after its last failure, or at its next
// successful login.
const (
	freeLogins      = 3
	minLoginBackoff = time.Second
	maxLoginBackoff = time.Minute
	loginForget     = 10 * time.Minute
	maxLoginHosts   = 4096 // hosts remembered at once
)

// loginGuard remembers failed logins per host.
type loginGuard struct {
	now func() time.Time // config

	mu    sync.Mutex // guards the fields that follow
	hosts map[netip.Prefix]*loginFailures
}

type loginFailures struct {
	n     int       // failures in a row
	last  time.Time // of the latest failure
	until time.Time // no attempt before this
}

// loginBackoff is the wait after n failures in a row.
func loginBackoff(n int) time.Duration {
	if n <= freeLogins {
		return 0
	}
	d := minLoginBackoff
	for i := freeLogins + 1; i < n && d < maxLoginBackoff; i++ {
		d *= 2
	}
	return min(d, maxLoginBackoff)
}

// wait returns how long host must still wait before it may try to log in;
// 0: it may now.
func (g *loginGuard) wait(host netip.Prefix) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	f := g.hosts[host]
	if f == nil {
		return 0
	}
	return max(f.until.Sub(g.now()), 0)
}

// failed records a failed login from host and returns the failures in a
// row and the backoff now imposed.
func (g *loginGuard) failed(host netip.Prefix) (int, time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	if g.hosts == nil {
		g.hosts = make(map[netip.Prefix]*loginFailures)
	}
	f := g.hosts[host]
	if f == nil || now.Sub(f.last) > loginForget {
		if len(g.hosts) >= maxLoginHosts {
			g.prune(now)
		}
		f = &loginFailures{}
		g.hosts[host] = f
	}
	f.n++
	d := loginBackoff(f.n)
	f.last, f.until = now, now.Add(d)
	return f.n, d
}

// succeeded forgets host's failures.
func (g *loginGuard) succeeded(host netip.Prefix) {
	g.mu.Lock()
	delete(g.hosts, host)
	g.mu.Unlock()
}

// prune drops the forgotten records and, if the table is still full, an
// arbitrary half of it, so memory stays bounded whatever the number of
// addresses a client has.
func (g *loginGuard) prune(now time.Time) {
	for h, f := range g.hosts {
		if now.Sub(f.last) > loginForget {
			delete(g.hosts, h)
		}
	}
	for h := range g.hosts {
		if len(g.hosts) < maxLoginHosts/2 {
			break
		}
		delete(g.hosts, h)
	}
}
