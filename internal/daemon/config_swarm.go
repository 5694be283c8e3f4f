package daemon

import (
	"crypto/ed25519"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/ferrysync/ferry/internal/swarm"
)

// ModuleSwarm holds a module's many-source keys (docs/DAEMON.md §11). A
// swarm module is either an origin, which signs manifests with its
// swarm_key, or a mirror of one (mirror_of), which re-serves the origin's
// manifest for the tree it holds.
type ModuleSwarm struct {
	Swarm bool `toml:"swarm"` // serve manifests and chunks (role swarm)
	// SwarmKey is the origin's Ed25519 private key file (PEM PKCS #8).
	SwarmKey string `toml:"swarm_key"`
	// SwarmCache is the directory of cached manifests (default: the
	// config file's directory's "swarm-cache/MODULE").
	SwarmCache string `toml:"swarm_cache"`
	// MirrorOf is the origin module a mirror copies:
	// "ferry://host/module" or "ferrys://host/module".
	MirrorOf string `toml:"mirror_of"`
	// SwarmOriginKey is the origin's public key a mirror checks the
	// manifest against ("ed25519:HEX").
	SwarmOriginKey string `toml:"swarm_origin_key"`
	// MirrorTLSFingerprint pins the certificate of a ferrys:// origin
	// ("sha256:HEX", as clients' --tls-fingerprint) instead of verifying
	// its chain.
	MirrorTLSFingerprint string `toml:"mirror_tls_fingerprint"`
	// MirrorInterval is how often a mirror asks its origin for a new
	// generation (default 1m).
	MirrorInterval Duration `toml:"mirror_interval"`
	// MirrorSecretsFile, on an origin, holds the user:password lines of
	// the mirrors that may register (the same format as secrets_file);
	// without it the origin takes no registrations.
	MirrorSecretsFile string `toml:"mirror_secrets_file"`
	// MirrorAddress, on a mirror, is the address clients reach this
	// module at ("ferry://m1.example/data"); with it the mirror registers
	// with its origin as MirrorUser (password in MirrorPasswordFile, first
	// line) for MirrorTTL (default 3 x mirror_interval), again at every
	// refresh.
	MirrorAddress      string   `toml:"mirror_address"`
	MirrorUser         string   `toml:"mirror_user"`
	MirrorPasswordFile string   `toml:"mirror_password_file"`
	MirrorTTL          Duration `toml:"mirror_ttl"`
	// MirrorSync (default true) lets a mirror bring its own tree to a new
	// generation: a swarm fetch from its origin (and the mirrors the
	// origin nominates) into its path, every chunk verified. false: the
	// tree is kept in sync by other means and adopted when it matches.
	MirrorSync *bool `toml:"mirror_sync"`

	// filled in by validation
	swarmPriv ed25519.PrivateKey
	swarmPub  ed25519.PublicKey
	mirrorOf  Target
}

// DefaultMirrorInterval is how often a mirror checks its origin.
const DefaultMirrorInterval = time.Minute

// validateSwarm checks a module's swarm keys.
func (v *validator) validateSwarm(c *Config, m *Module) error {
	key := func(k string) toml.Key { return toml.Key{"module", m.Name, k} }
	if !m.Swarm {
		for _, k := range []string{"swarm_key", "swarm_cache", "mirror_of", "swarm_origin_key", "mirror_interval",
			"mirror_secrets_file", "mirror_address", "mirror_user", "mirror_password_file", "mirror_ttl", "mirror_sync",
			"mirror_tls_fingerprint"} {
			if v.md.IsDefined("module", m.Name, k) {
				return v.errorf(key(k), "needs swarm = true")
			}
		}
		return nil
	}
	if m.WriteOnly {
		return v.errorf(key("swarm"), "a write_only module cannot serve swarm")
	}
	if m.UID.Set || m.GID.Set {
		return v.errorf(key("swarm"), "swarm modules are served with the daemon's credentials: uid and gid are not supported")
	}
	if m.SwarmCache == "" {
		m.SwarmCache = c.resolve("swarm-cache/" + m.Name)
	}
	m.SwarmCache = c.resolve(m.SwarmCache)
	if m.MirrorInterval == 0 {
		m.MirrorInterval = Duration(DefaultMirrorInterval)
	}
	switch {
	case m.SwarmKey != "" && m.MirrorOf != "":
		return v.errorf(key("mirror_of"), "an origin (swarm_key) cannot be a mirror")
	case m.SwarmKey != "":
		k, err := swarm.LoadKey(c.resolve(m.SwarmKey))
		if err != nil {
			return v.errorf(key("swarm_key"), "%s", err)
		}
		m.swarmPriv, m.swarmPub = k, k.Public().(ed25519.PublicKey)
		if m.MirrorSecretsFile != "" {
			m.MirrorSecretsFile = c.resolve(m.MirrorSecretsFile)
			if err := checkSecretsFile(m.MirrorSecretsFile); err != nil {
				return v.errorf(key("mirror_secrets_file"), "%s", err)
			}
		}
		for _, k := range []string{"mirror_address", "mirror_user", "mirror_password_file", "mirror_ttl", "mirror_sync", "mirror_tls_fingerprint"} {
			if v.md.IsDefined("module", m.Name, k) {
				return v.errorf(key(k), "is for mirrors (mirror_of)")
			}
		}
	case m.MirrorOf != "":
		t, err := ParseTarget(m.MirrorOf)
		if err != nil || t.Module == "" || t.Path != "" {
			return v.errorf(key("mirror_of"), "want ferry://host[:port]/module or ferrys://...")
		}
		if !t.PortSet {
			t.Port = DefaultPort
			if t.TLS {
				t.Port = DefaultTLSPort
			}
		}
		m.mirrorOf = t
		if m.SwarmOriginKey == "" {
			return v.errorf(key("swarm_origin_key"), "a mirror needs the origin's public key")
		}
		if m.swarmPub, err = swarm.ParseKey(m.SwarmOriginKey); err != nil {
			return v.errorf(key("swarm_origin_key"), "%s", err)
		}
		if m.MirrorSecretsFile != "" {
			return v.errorf(key("mirror_secrets_file"), "is for origins (swarm_key)")
		}
		if m.MirrorTLSFingerprint != "" && !t.TLS {
			return v.errorf(key("mirror_tls_fingerprint"), "needs a ferrys:// mirror_of")
		}
		if m.MirrorAddress != "" {
			if t, err := ParseTarget(m.MirrorAddress); err != nil || t.Module == "" || t.Path != "" {
				return v.errorf(key("mirror_address"), "want ferry://host[:port]/module or ferrys://...")
			}
			if m.MirrorUser == "" || m.MirrorPasswordFile == "" {
				return v.errorf(key("mirror_address"), "registration needs mirror_user and mirror_password_file")
			}
			m.MirrorPasswordFile = c.resolve(m.MirrorPasswordFile)
		}
		if m.MirrorTTL == 0 {
			m.MirrorTTL = 3 * m.MirrorInterval
		}
	default:
		return v.errorf(key("swarm"), "needs swarm_key (an origin) or mirror_of (a mirror)")
	}
	return nil
}

func (d Duration) d() time.Duration { return time.Duration(d) }

// syncsTree reports whether a mirror fetches its own tree (mirror_sync).
func (m *Module) syncsTree() bool { return m.MirrorSync == nil || *m.MirrorSync }
