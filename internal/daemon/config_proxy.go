package daemon

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/BurntSushi/toml"
)

// Gateway configuration (docs/DAEMON.md, "Gateways"): a module may, instead
// of a path, proxy to one or more backend daemons or redirect its clients
// to another address; a backend trusts the client addresses its gateways
// forward only from trusted_proxies.

// MaxHops is the number of daemons an OPEN may go through (proxies and
// redirects together) before it is refused as a loop.
const MaxHops = 8

// ProxyList is a module's proxy: one backend address or a list of them,
// tried in order (the ones that failed lately last).
type ProxyList []string

// UnmarshalTOML implements toml.Unmarshaler.
func (p *ProxyList) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		*p = ProxyList{v}
	case []any:
		out := make(ProxyList, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return fmt.Errorf("want a list of ferry:// addresses, got a %T in it", e)
			}
			out = append(out, s)
		}
		if len(out) == 0 {
			return errors.New("empty list")
		}
		*p = out
	default:
		return fmt.Errorf("want a ferry:// address or a list of them, got %T", v)
	}
	return nil
}

// backend is one parsed proxy address of a module.
type backend struct {
	URL    string // as configured, the key of its health record
	Target Target // host, port, TLS and module
}

// parseModuleURL parses "ferry://host[:port]/module" or "ferrys://...":
// a module address with neither user nor path.
func parseModuleURL(s string) (Target, error) {
	if !IsTarget(s) || (len(s) < 8 || s[:8] != "ferry://") && (len(s) < 9 || s[:9] != "ferrys://") {
		return Target{}, errors.New("want ferry://host[:port]/module or ferrys://host[:port]/module")
	}
	t, err := ParseTarget(s)
	if err != nil {
		return Target{}, err
	}
	switch {
	case t.Module == "":
		return Target{}, errors.New("names no module")
	case t.Path != "":
		return Target{}, errors.New("names a path inside the module: give the module only")
	case t.User != "":
		return Target{}, errors.New("names a user: credentials travel with the client")
	}
	if err := checkModuleName(t.Module); err != nil {
		return Target{}, err
	}
	return t, nil
}

// validateGateway checks a module's proxy and redirect keys. It reports
// whether the module is a gateway module (which needs no path).
func (v *validator) validateGateway(c *Config, m *Module) (bool, error) {
	key := func(k string) toml.Key { return toml.Key{"module", m.Name, k} }
	set := 0
	for _, b := range []bool{m.Path != "", len(m.Proxy) > 0, m.Redirect != ""} {
		if b {
			set++
		}
	}
	if set > 1 {
		return false, v.errorf(toml.Key{"module", m.Name}, "path, proxy and redirect exclude each other")
	}
	if len(m.Proxy) == 0 && (m.TLSFingerprint != "" || m.TLSCA != "" || m.ProxyBind != "" || m.ProxyProtocol) {
		return false, v.errorf(key("proxy"), "must be set with tls_fingerprint, tls_ca, proxy_bind or proxy_protocol")
	}
	switch {
	case m.Redirect != "":
		if _, err := parseModuleURL(m.Redirect); err != nil {
			return false, v.errorf(key("redirect"), "%q: %s", m.Redirect, err)
		}
		if m.NeedsAuth() {
			return false, v.errorf(key("auth_users"), "a redirect module authenticates nobody: the target does")
		}
		return true, nil
	case len(m.Proxy) > 0:
		if m.UID.Set || m.GID.Set {
			return false, v.errorf(key("uid"), "a proxy module opens no files: uid and gid do not apply")
		}
		tlsBackend := false
		for _, u := range m.Proxy {
			t, err := parseModuleURL(u)
			if err != nil {
				return false, v.errorf(key("proxy"), "%q: %s", u, err)
			}
			tlsBackend = tlsBackend || t.TLS
			if t.TLS && m.ProxyProtocol {
				return false, v.errorf(key("proxy_protocol"), "%q: a PROXY header goes to ferry:// backends only", u)
			}
			m.backends = append(m.backends, backend{URL: u, Target: t})
		}
		if (m.TLSFingerprint != "" || m.TLSCA != "") && !tlsBackend {
			return false, v.errorf(key("tls_fingerprint"), "no ferrys:// backend to check")
		}
		if m.TLSFingerprint != "" {
			if _, err := parseFingerprint(m.TLSFingerprint); err != nil {
				return false, v.errorf(key("tls_fingerprint"), "%s", err)
			}
		}
		m.TLSCA = c.resolve(m.TLSCA)
		if m.ProxyBind != "" {
			a, err := netip.ParseAddr(m.ProxyBind)
			if err != nil {
				return false, v.errorf(key("proxy_bind"), "%q: want an IP address", m.ProxyBind)
			}
			m.bind = a
		}
		return true, nil
	}
	return false, nil
}

// validateTrusted parses the global trusted_proxies.
func (v *validator) validateTrusted(c *Config) error {
	var err error
	if c.trusted, err = parseHostList(c.TrustedProxies); err != nil {
		return v.errorf(toml.Key{"trusted_proxies"}, "%s", err)
	}
	return nil
}
