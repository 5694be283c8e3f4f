package daemon

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"
)

// Upstream discovery (docs/DAEMON.md, "Upstream discovery"). OPEN of a
// module this daemon lacks asks its upstreams, in order, whether they
// have it (QUERY, answered by ANSWER); the first that does is proxied to
// or redirected to, as upstream_mode says. Answers, negative ones too,
// are kept for upstream_ttl. A QUERY carries a hop count that each daemon
// asking further raises, and a daemon asked at MaxHops answers from its
// own modules only, so gateways asking each other (A asks B asks A) stop.

// failedLookupTTL is how long a lookup that found nothing while an
// upstream failed is kept.
const failedLookupTTL = 10 * time.Second

// maxUpstreamCache bounds the remembered answers (names come from clients).
const maxUpstreamCache = 4096

// upstreamCache remembers upstreams' answers.
type upstreamCache struct {
	mu      sync.Mutex
	entries map[string]upstreamEntry // module name
}

// upstreamEntry is what the upstreams said about one module.
type upstreamEntry struct {
	at       time.Time
	ttl      time.Duration // how long it is kept
	found    bool
	upstream Target // with the module set, when found
	info     ModuleInfo
}

// discoveryLabel is the module label of an upstream's failures in the
// metrics: the module asked for comes from a client, and labels must not.
const discoveryLabel = "(discovery)"

// ErrNoQuery reports an upstream that does not answer QUERY.
var ErrNoQuery = errors.New("ferry: the upstream does not answer module queries")

// discover looks module up at cfg's upstreams, the query carrying hops.
// Answers are kept for cfg.UpstreamTTL, except that a lookup in which an
// upstream failed and none had the module is kept for at most
// failedLookupTTL: the module may be on the upstream that is down.
func (s *Server) discover(ctx context.Context, cfg *Config, module string, hops uint8) (upstreamEntry, bool) {
	if len(cfg.upstreams) == 0 || checkModuleName(module) != nil {
		return upstreamEntry{}, false
	}
	now := s.now()
	s.upstreams.mu.Lock()
	e, ok := s.upstreams.entries[module]
	s.upstreams.mu.Unlock()
	if ok && now.Sub(e.at) < e.ttl {
		return e, e.found
	}
	e = upstreamEntry{at: now, ttl: time.Duration(cfg.UpstreamTTL)}
	failed := false
	for _, t := range cfg.upstreams {
		a, err := s.askUpstream(ctx, cfg, t, module, hops)
		if err != nil {
			failed = true
			s.log.Warn("upstream query failed", "upstream", upstreamURL(t, ""), "module", module, "err", err)
			s.metrics.dialFailures.WithLabelValues(discoveryLabel, upstreamURL(t, "")).Inc() // not the asked name: a client chooses it
			continue
		}
		if a.Have {
			t.Module = module
			e.found, e.upstream = true, t
			e.info = ModuleInfo{Name: module, Comment: a.Comment, Flags: a.Flags}
			break
		}
	}
	if !e.found && failed {
		e.ttl = min(e.ttl, failedLookupTTL)
	}
	s.upstreams.put(module, e)
	return e, e.found
}

// put remembers e, first forgetting expired answers, and everything when
// still full.
func (u *upstreamCache) put(module string, e upstreamEntry) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.entries == nil {
		u.entries = make(map[string]upstreamEntry)
	}
	if len(u.entries) >= maxUpstreamCache {
		for k, old := range u.entries {
			if e.at.Sub(old.at) >= old.ttl {
				delete(u.entries, k)
			}
		}
		if len(u.entries) >= maxUpstreamCache {
			clear(u.entries)
		}
	}
	u.entries[module] = e
}

// found returns the modules the upstreams were found to have, still fresh.
func (u *upstreamCache) found(now time.Time) []ModuleInfo {
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []ModuleInfo
	for _, e := range u.entries {
		if e.found && now.Sub(e.at) < e.ttl {
			out = append(out, e.info)
		}
	}
	return out
}

// askUpstream sends one QUERY.
func (s *Server) askUpstream(ctx context.Context, cfg *Config, t Target, module string, hops uint8) (answerMsg, error) {
	deadline := time.Now().Add(time.Duration(cfg.HandshakeTimeout))
	c, err := dialTarget(ctx, t, cfg.UpstreamTLSCA, cfg.UpstreamTLSFingerprint, netip.Addr{}, deadline, nil)
	if err != nil {
		return answerMsg{}, err
	}
	defer c.Close()
	if c.greeting.Version < capsVersion || !hasCap(c.greeting.Caps, CapQuery) {
		return answerMsg{}, ErrNoQuery
	}
	stop := c.guard(ctx)
	defer stop()
	if err := writeFrame(c.conn, msgQuery, queryMsg{Module: module, Hops: hops}.marshal()); err != nil {
		return answerMsg{}, err
	}
	f, err := c.read(msgAnswer)
	if err != nil {
		return answerMsg{}, err
	}
	var a answerMsg
	err = a.unmarshal(f.payload)
	return a, err
}

// query answers a QUERY (in f): the daemon has the module if it is one of
// its own (a gateway module too), or, below MaxHops, if an upstream of its
// own has it.
func (c *serverConn) query(ctx context.Context, f frame) error {
	if c.version < capsVersion {
		return fmt.Errorf("%w: QUERY in daemon-phase version %d", ErrProtocol, c.version)
	}
	var q queryMsg
	if err := q.unmarshal(f.payload); err != nil {
		return err
	}
	var a answerMsg
	if m := c.cfg.Modules[q.Module]; m != nil {
		a = answerMsg{Have: true, Flags: m.listFlags(), Comment: m.Comment}
	} else if q.Hops < MaxHops {
		if e, ok := c.s.discover(ctx, c.cfg, q.Module, q.Hops+1); ok {
			a = answerMsg{Have: true, Flags: e.info.Flags, Comment: e.info.Comment}
		}
	}
	c.log.Info("module query", "module", q.Module, "hops", q.Hops, "have", a.Have)
	return writeFrame(c.conn, msgAnswer, a.marshal())
}

// discovered returns the module an upstream was found to have, as a proxy
// or redirect module of cfg's upstream_mode.
func (cfg *Config) discovered(e upstreamEntry) *Module {
	url := upstreamURL(e.upstream, e.upstream.Module)
	m := &Module{Name: e.upstream.Module, Comment: e.info.Comment, TLSCA: cfg.UpstreamTLSCA, TLSFingerprint: cfg.UpstreamTLSFingerprint}
	if cfg.UpstreamMode == UpstreamRedirect {
		m.Redirect = url
	} else {
		m.Proxy = ProxyList{url}
		m.backends = []backend{{URL: url, Target: e.upstream}}
	}
	return m
}
