package daemon

import (
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/ferrysync/ferry/internal/fsys"
)

// Default values of the configuration.
const (
	DefaultPort             = 8873 // plain TCP
	DefaultTLSPort          = 8874 // TLS
	DefaultHandshakeTimeout = 30 * time.Second

	// DefaultTimeout drops a session peer silent this long. Both sides
	// send keepalives every third of the smaller timeout, so an honest
	// idle peer is never dropped; 5 minutes frees a dead peer's
	// descriptors and memory soon enough.
	DefaultTimeout = 5 * time.Minute
	// DefaultMaxConnections bounds the connections served at once,
	// counted from accept (before HELLO): 64 sessions exceed what a small
	// server's disks and cores serve, and with every session's
	// descriptors bounded by PROTOCOL.md's limits they fit in the table
	// Go raises to the hard limit (the descriptor budget guards smaller
	// ones).
	DefaultMaxConnections = 64
	// DefaultMaxPerHost bounds the connections from one address (an IPv6
	// client's /64) at once, so that one client cannot take every slot.
	DefaultMaxPerHost = 8
	// DefaultMinRate is the lowest rate, in bytes a second both ways
	// together, a session may move over a rate window while its peer
	// dribbles data in many small pieces (idle.go).
	DefaultMinRate = 128
)

// Config is a daemon configuration, read from TOML (docs/ferryd.example.toml
// documents every key). Fields tagged toml are the file's keys; the rest is
// filled in by validation.
type Config struct {
	// Listen addresses: "host:port" for plain TCP, "tls://host:port" for
	// TLS. Plain TCP on a non-loopback address needs AllowPlain.
	Listen     []string `toml:"listen"`
	TLSCert    string   `toml:"tls_cert"`    // PEM certificate chain, for tls:// listeners
	TLSKey     string   `toml:"tls_key"`     // PEM private key
	AllowPlain bool     `toml:"allow_plain"` // allow plain TCP off loopback

	// Name is the server name clients authenticate against (default: the
	// host name). It is sent in GREETING.
	Name             string   `toml:"name"`
	MotdFile         string   `toml:"motd_file"`         // message of the day, sent in GREETING
	LogFile          string   `toml:"log_file"`          // "" or "-": stderr
	LogFormat        string   `toml:"log_format"`        // "text" (default) or "json"
	Timeout          Duration `toml:"timeout"`           // drop a peer silent this long during a session (default 5m; 0: never)
	HandshakeTimeout Duration `toml:"handshake_timeout"` // bound on the daemon phase (default 30s)
	MaxConnections   int      `toml:"max_connections"`   // all modules together, from accept on (default 64; 0: no limit)
	// MaxPerHost bounds the connections from one address at once (an
	// IPv6 address's /64; default 8; 0: no limit).
	MaxPerHost int `toml:"max_connections_per_host"`
	// MinRate drops a session peer that dribbles data slower than this
	// many bytes a second (default 128; 0: never); see idle.go.
	MinRate int `toml:"min_rate"`
	// MemoryLimit is the soft memory limit of the daemon and of each
	// session process, in MiB (default 192; 0: none; GOMEMLIMIT in the
	// environment overrides it); see memlimit.go.
	MemoryLimit int `toml:"memory_limit"`

	Modules map[string]*Module `toml:"module"`

	// TrustedProxies are the gateways whose FORWARD (the client address
	// they proxy for) this daemon believes (config_proxy.go).
	TrustedProxies []string `toml:"trusted_proxies"`
	trusted        []netip.Prefix
	// MetricsListen serves Prometheus metrics at http://ADDR/metrics
	// (metrics.go); "" for none.
	MetricsListen string `toml:"metrics_listen"`
	// Upstream discovery (config_upstream.go): daemons asked for a
	// module this one lacks, and what to do with one that has it.
	Upstreams              []string `toml:"upstreams"`
	UpstreamMode           string   `toml:"upstream_mode"` // "proxy" (default) or "redirect"
	UpstreamTTL            Duration `toml:"upstream_ttl"`  // answers kept this long (default 1m)
	UpstreamTLSCA          string   `toml:"upstream_tls_ca"`
	UpstreamTLSFingerprint string   `toml:"upstream_tls_fingerprint"`
	upstreams              []Target

	// File is the path the configuration was loaded from, if any; relative
	// paths in it are resolved against its directory.
	File string `toml:"-"`
	// Motd is the content of MotdFile, read by validation.
	Motd string `toml:"-"`
}

// Module is one [module.NAME] table.
type Module struct {
	Name           string   `toml:"-"`
	Path           string   `toml:"path"`
	Comment        string   `toml:"comment"`
	ReadOnly       *bool    `toml:"read_only"`  // default true, like rsyncd
	WriteOnly      bool     `toml:"write_only"` // clients may only push
	List           *bool    `toml:"list"`       // shown in module listings (default true)
	AuthUsers      []string `toml:"auth_users"`
	SecretsFile    string   `toml:"secrets_file"`
	HostsAllow     []string `toml:"hosts_allow"`
	HostsDeny      []string `toml:"hosts_deny"`
	MaxConnections int      `toml:"max_connections"` // 0: no limit
	UID            IDSpec   `toml:"uid"`             // act as this user when started as root
	GID            IDSpec   `toml:"gid"`             // act as this group when started as root
	Timeout        Duration `toml:"timeout"`         // overrides the global timeout
	RefuseCompress bool     `toml:"refuse_compress"` // never negotiate -z: spare the daemon's CPU
	// AllowSetID lets clients create setuid and setgid files (default:
	// the bits are cleared on receipt); AllowDevices lets them create
	// device nodes (default: device entries are skipped).
	AllowSetID   bool `toml:"allow_setid"`
	AllowDevices bool `toml:"allow_devices"`
	// BWLimit caps the rate at which the module's sessions send (bwlimit.go).
	BWLimit Rate `toml:"bwlimit"`
	// ModuleSwarm: many-source service (config_swarm.go).
	ModuleSwarm
	// ModuleWatch: whether clients may watch it (config_watch.go).
	ModuleWatch

	// Gateway modules (config_proxy.go): Proxy relays to backend
	// daemons, Redirect sends clients elsewhere; either replaces Path.
	Proxy          ProxyList `toml:"proxy"`
	Redirect       string    `toml:"redirect"`
	TLSFingerprint string    `toml:"tls_fingerprint"` // pins the ferrys:// backends' certificate
	TLSCA          string    `toml:"tls_ca"`          // verifies the ferrys:// backends with these roots
	ProxyBind      string    `toml:"proxy_bind"`      // source address for dials to the backends
	ProxyProtocol  bool      `toml:"proxy_protocol"`  // a PROXY v2 header first to the backends (proxyproto.go)
	backends       []backend
	bind           netip.Addr

	// filled in by validation
	access hostAccess
	uid    int // -1: unset
	gid    int // -1: unset
}

// IsReadOnly reports whether clients may only pull from the module.
func (m *Module) IsReadOnly() bool {
	return m.ReadOnly == nil && !m.WriteOnly || m.ReadOnly != nil && *m.ReadOnly
}

// IsListed reports whether the module appears in module listings.
func (m *Module) IsListed() bool { return m.List == nil || *m.List }

// NeedsAuth reports whether clients must authenticate.
func (m *Module) NeedsAuth() bool { return len(m.AuthUsers) > 0 }

// flags returns the module's FlagX bits.
func (m *Module) flags() uint8 {
	var f uint8
	if m.NeedsAuth() {
		f |= FlagAuth
	}
	if m.IsReadOnly() {
		f |= FlagReadOnly
	}
	if m.WriteOnly {
		f |= FlagWriteOnly
	}
	if m.Swarm {
		f |= FlagSwarm
	}
	return f
}

// ErrConfig is matched by every configuration error.
var ErrConfig = errors.New("ferry: invalid daemon configuration")

// ConfigError is a configuration problem, naming the key and, when it can
// be found, the line.
type ConfigError struct {
	File string // may be empty
	Line int    // 0: unknown
	Key  string // dotted TOML key, e.g. "module.data.path"; may be empty
	Msg  string
}

func (e *ConfigError) Error() string {
	s := e.File
	if s == "" {
		s = "config"
	}
	if e.Line > 0 {
		s += fmt.Sprintf(":%d", e.Line)
	}
	if e.Key != "" {
		s += ": " + e.Key
	}
	return s + ": " + e.Msg
}

// Is makes every ConfigError match ErrConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrConfig }

// LoadConfig reads and validates the configuration file at path.
func LoadConfig(path string) (*Config, error) {
	data, err := fsys.ReadFileTrusted(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return ParseConfig(data, path)
}

// ParseConfig parses and validates a TOML configuration. file names it in
// errors and anchors its relative paths (use "" for the current directory).
func ParseConfig(data []byte, file string) (*Config, error) {
	var c Config
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		ce := &ConfigError{File: file, Msg: err.Error()}
		var pe toml.ParseError
		if errors.As(err, &pe) {
			ce.Line, ce.Msg = pe.Position.Line, pe.Message
		}
		return nil, ce
	}
	c.File = file
	v := validator{file: file, data: data, md: md}
	for _, k := range md.Undecoded() {
		return nil, v.errorf(k, "unknown key")
	}
	if err := v.validate(&c); err != nil {
		return nil, err
	}
	return &c, nil
}

// resolve makes p absolute against the configuration file's directory.
func (c *Config) resolve(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	if c.File != "" {
		return filepath.Join(filepath.Dir(c.File), p)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return abs
}
