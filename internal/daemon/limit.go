package daemon

import (
	"net/netip"
	"sync"
)

// limiter counts open connections: all of them, per client address (an
// IPv6 address's /64, see hostKey) and per module. Connections count from
// accept, before HELLO, so that silent clients take slots too.
type limiter struct {
	mu        sync.Mutex // guards the fields that follow
	total     int
	perHost   map[netip.Prefix]int
	perModule map[string]int
}

// admission is the outcome of acquireConn.
type admission int

const (
	admitted admission = iota
	tooManyTotal
	tooManyHost
)

// acquireConn takes a slot for a connection from host, within max in all
// and maxHost from one host (0: no limit).
func (l *limiter) acquireConn(host netip.Prefix, max, maxHost int) admission {
	l.mu.Lock()
	defer l.mu.Unlock()
	if max > 0 && l.total >= max {
		return tooManyTotal
	}
	if maxHost > 0 && host.IsValid() && l.perHost[host] >= maxHost {
		return tooManyHost
	}
	l.total++
	if host.IsValid() {
		if l.perHost == nil {
			l.perHost = make(map[netip.Prefix]int)
		}
		l.perHost[host]++
	}
	return admitted
}

// releaseConn gives back acquireConn's slot and returns how many
// connections remain.
func (l *limiter) releaseConn(host netip.Prefix) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if host.IsValid() {
		if l.perHost[host]--; l.perHost[host] <= 0 {
			delete(l.perHost, host)
		}
	}
	return l.total
}

// open returns the number of connections admitted and not yet released.
func (l *limiter) open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total
}

// acquireModule takes a slot of module; false when max (> 0) are taken.
func (l *limiter) acquireModule(module string, max int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.perModule == nil {
		l.perModule = make(map[string]int)
	}
	if max > 0 && l.perModule[module] >= max {
		return false
	}
	l.perModule[module]++
	return true
}

func (l *limiter) releaseModule(module string) {
	l.mu.Lock()
	l.perModule[module]--
	if l.perModule[module] == 0 {
		delete(l.perModule, module)
	}
	l.mu.Unlock()
}

// hostKey is the unit the per-host limits count: an IPv4 address, or the
// /64 of an IPv6 one (one subscriber's network, which a client can hop
// around in at will). Invalid for non-IP connections, which no per-host
// limit applies to.
func hostKey(a netip.Addr) netip.Prefix {
	if !a.IsValid() {
		return netip.Prefix{}
	}
	bits := 32
	if a.Is6() {
		bits = 64
	}
	p, _ := a.Prefix(bits)
	return p
}
