package daemon

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Listing through a gateway (docs/DAEMON.md, "Gateways"): a proxy module
// is listed with the flags of its backend's module (and the backend's
// comment when the gateway gives none), asked with a LIST of one hop.
// A daemon answers such a LIST from its configuration alone, so listings
// never chain or loop. A backend that does not answer leaves the module
// listed with the gateway's own comment and flags.

// listTimeout bounds the backends' answers to a listing.
const listTimeout = 2 * time.Second

// listCacheFor is how long a backend's listing is reused.
const listCacheFor = 10 * time.Second

// listCache keeps backends' listings for listCacheFor.
type listCache struct {
	mu      sync.Mutex
	entries map[string]listEntry // backend address (scheme, host, port)
}

type listEntry struct {
	at   time.Time
	mods []ModuleInfo
	err  error
}

// listHops decodes a LIST payload: empty (hops 0), or from version 2 on a
// single hops byte.
func listHops(p []byte, version uint16) (uint8, error) {
	switch {
	case len(p) == 0:
		return 0, nil
	case len(p) == 1 && version >= capsVersion:
		return p[0], nil
	}
	return 0, fmt.Errorf("%w: LIST with a %d-byte payload", ErrProtocol, len(p))
}

// listProxied fills in the flags (and missing comments) of the proxy
// modules in ml from their backends' listings, asked in parallel.
func (c *serverConn) listProxied(ctx context.Context, ml *moduleList) {
	var wg sync.WaitGroup
	for i := range ml.Modules {
		m := c.cfg.Modules[ml.Modules[i].Name]
		if m == nil || len(m.backends) == 0 {
			continue
		}
		wg.Add(1)
		go func(mi *ModuleInfo) {
			defer wg.Done()
			info, ok := c.s.backendInfo(ctx, m)
			if !ok {
				return
			}
			mi.Flags |= info.Flags
			if mi.Comment == "" {
				mi.Comment = info.Comment
			}
		}(&ml.Modules[i])
	}
	wg.Wait()
}

// listFlags are the flags a module is listed with: a gateway module's
// own are read_only and write_only when given explicitly (its backend or
// redirect target decides otherwise).
func (m *Module) listFlags() uint8 {
	if len(m.backends) == 0 && m.Redirect == "" {
		return m.flags()
	}
	var f uint8
	if m.ReadOnly != nil && *m.ReadOnly {
		f |= FlagReadOnly
	}
	if m.WriteOnly {
		f |= FlagWriteOnly
	}
	return f
}

// backendInfo returns the listing entry of m's backend module from the
// first backend that lists it.
func (s *Server) backendInfo(ctx context.Context, m *Module) (ModuleInfo, bool) {
	for _, b := range s.backends.order(m.backends, s.now()) {
		mods, err := s.backendList(ctx, m, b)
		if err != nil {
			continue
		}
		for _, mi := range mods {
			if mi.Name == b.Target.Module {
				return mi, true
			}
		}
	}
	return ModuleInfo{}, false
}

// backendList returns backend b's listing, from the cache when fresh.
func (s *Server) backendList(ctx context.Context, m *Module, b backend) ([]ModuleInfo, error) {
	key := fmt.Sprintf("%t/%s", b.Target.TLS, b.Target.Addr())
	now := s.now()
	s.lists.mu.Lock()
	e, ok := s.lists.entries[key]
	s.lists.mu.Unlock()
	if ok && now.Sub(e.at) < listCacheFor {
		return e.mods, e.err
	}
	mods, err := s.listBackend(ctx, m, b)
	s.lists.mu.Lock()
	if s.lists.entries == nil {
		s.lists.entries = make(map[string]listEntry)
	}
	for k, old := range s.lists.entries {
		if now.Sub(old.at) >= listCacheFor {
			delete(s.lists.entries, k)
		}
	}
	s.lists.entries[key] = listEntry{at: now, mods: mods, err: err}
	s.lists.mu.Unlock()
	return mods, err
}

// listBackend asks one backend for its listing with a one-hop LIST.
func (s *Server) listBackend(ctx context.Context, m *Module, b backend) ([]ModuleInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, listTimeout)
	defer cancel()
	c, err := s.dialBackend(ctx, m, b, time.Now().Add(listTimeout), nil)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return c.list(ctx, 1)
}

// listDiscovered adds the modules upstreams were found to have (and still
// fresh) that the configuration does not name, in name order.
func (c *serverConn) listDiscovered(ml *moduleList) {
	if len(c.cfg.upstreams) == 0 {
		return
	}
	found := c.s.upstreams.found(c.s.now())
	for _, mi := range found {
		if c.cfg.Modules[mi.Name] == nil {
			ml.Modules = append(ml.Modules, mi)
		}
	}
	slices.SortFunc(ml.Modules, func(a, b ModuleInfo) int { return strings.Compare(a.Name, b.Name) })
}
