package daemon

import (
	"errors"
	"fmt"
	"time"

	"github.com/BurntSushi/toml"
)

// Upstream discovery configuration (docs/DAEMON.md, "Upstream
// discovery"): a module the daemon does not have is looked up at its
// upstream daemons, then proxied to or redirected to the first that has
// it.

// DefaultUpstreamTTL is how long an upstream's answer is kept.
const DefaultUpstreamTTL = time.Minute

// Upstream modes.
const (
	UpstreamProxy    = "proxy"
	UpstreamRedirect = "redirect"
)

// parseDaemonURL parses "ferry://host[:port]" or "ferrys://..." (a
// trailing "/" allowed): a daemon address without module, path or user.
func parseDaemonURL(s string) (Target, error) {
	if len(s) < 8 || s[:8] != "ferry://" && (len(s) < 9 || s[:9] != "ferrys://") {
		return Target{}, errors.New("want ferry://host[:port] or ferrys://host[:port]")
	}
	t, err := ParseTarget(s)
	if err != nil {
		return Target{}, err
	}
	if t.Module != "" || t.Path != "" || t.User != "" {
		return Target{}, errors.New("names a module, path or user: give the daemon's address only")
	}
	return t, nil
}

// validateUpstreams checks the global upstream keys.
func (v *validator) validateUpstreams(c *Config) error {
	for _, u := range c.Upstreams {
		t, err := parseDaemonURL(u)
		if err != nil {
			return v.errorf(toml.Key{"upstreams"}, "%q: %s", u, err)
		}
		c.upstreams = append(c.upstreams, t)
	}
	switch c.UpstreamMode {
	case "":
		c.UpstreamMode = UpstreamProxy
	case UpstreamProxy, UpstreamRedirect:
	default:
		return v.errorf(toml.Key{"upstream_mode"}, "%q: want %q or %q", c.UpstreamMode, UpstreamProxy, UpstreamRedirect)
	}
	if !v.md.IsDefined("upstream_ttl") {
		c.UpstreamTTL = Duration(DefaultUpstreamTTL)
	}
	if c.UpstreamTLSFingerprint != "" {
		if _, err := parseFingerprint(c.UpstreamTLSFingerprint); err != nil {
			return v.errorf(toml.Key{"upstream_tls_fingerprint"}, "%s", err)
		}
	}
	c.UpstreamTLSCA = c.resolve(c.UpstreamTLSCA)
	if len(c.Upstreams) == 0 && (v.md.IsDefined("upstream_mode") || v.md.IsDefined("upstream_ttl")) {
		return v.errorf(toml.Key{"upstreams"}, "must be set with upstream_mode or upstream_ttl")
	}
	return nil
}

// upstreamURL names module at upstream t.
func upstreamURL(t Target, module string) string {
	scheme := "ferry"
	if t.TLS {
		scheme = "ferrys"
	}
	return fmt.Sprintf("%s://%s/%s", scheme, t.Addr(), module)
}
