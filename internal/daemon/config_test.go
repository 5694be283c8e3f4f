package daemon

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestExampleConfig(t *testing.T) {
	data, err := os.ReadFile("../../docs/ferryd.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "ferryd.secrets"), "alice:pw\n", 0o600)
	cfg, err := ParseConfig(data, filepath.Join(dir, "ferryd.toml"))
	if err != nil {
		t.Fatalf("docs/ferryd.example.toml: %v", err)
	}
	b := cfg.Modules["backup"]
	if b == nil || !b.WriteOnly || b.IsReadOnly() || b.IsListed() || !b.NeedsAuth() {
		t.Fatalf("module backup = %+v", b)
	}
	if got := b.SecretsFile; got != filepath.Join(dir, "ferryd.secrets") {
		t.Errorf("secrets_file resolved to %q", got)
	}
	if time.Duration(b.Timeout) != time.Hour || time.Duration(cfg.Modules["pub"].Timeout) != 10*time.Minute {
		t.Errorf("timeouts: backup %v, pub %v", b.Timeout, cfg.Modules["pub"].Timeout)
	}
	if b.uid < 0 || b.gid < 0 {
		t.Errorf("uid/gid not resolved: %d %d", b.uid, b.gid)
	}
}

func TestParseConfig(t *testing.T) {
	dir := t.TempDir()
	secrets := writeFile(t, filepath.Join(dir, "s"), "u:p\n", 0o600)
	open := writeFile(t, filepath.Join(dir, "open"), "u:p\n", 0o644)
	tests := []struct {
		name     string
		text     string
		wantErr  string // substring; "" means valid
		wantLine int
	}{
		{"minimal", "[module.a]\npath = \"/tmp\"\n", "", 0},
		{"relative path resolved", "[module.a]\npath = \"sub\"\n", "", 0},
		{"duration as seconds", "timeout = 90\n[module.a]\npath = \"/tmp\"\n", "", 0},
		{"unknown key", "[module.a]\npath = \"/tmp\"\npth = \"x\"\n", "module.a.pth: unknown key", 3},
		{"unknown global", "listn = []\n", "listn: unknown key", 1},
		{"syntax error", "listen = [\n", "", -1},
		{"missing path", "[module.a]\ncomment = \"x\"\n", "module.a.path: must be set", 0},
		{"bad module name", "[module.\"a b\"]\npath = \"/tmp\"\n", "bad module name", 1},
		{"read and write only", "[module.a]\npath = \"/tmp\"\nread_only = true\nwrite_only = true\n", "module.a.write_only: read_only and write_only", 4},
		{"auth without secrets", "[module.a]\npath = \"/tmp\"\nauth_users = [\"u\"]\n", "module.a.secrets_file: must be set", 0},
		{"secrets without users", "[module.a]\npath = \"/tmp\"\nsecrets_file = \"" + secrets + "\"\n", "module.a.auth_users: must be set", 0},
		{"secrets world readable", "[module.a]\npath = \"/tmp\"\nauth_users = [\"u\"]\nsecrets_file = \"" + open + "\"\n", "must not be accessible by others", 4},
		{"secrets ok", "[module.a]\npath = \"/tmp\"\nauth_users = [\"u\"]\nsecrets_file = \"" + secrets + "\"\n", "", 0},
		{"bad user name", "[module.a]\npath = \"/tmp\"\nauth_users = [\"a:b\"]\nsecrets_file = \"" + secrets + "\"\n", "bad user name", 3},
		{"hostname in allow", "[module.a]\npath = \"/tmp\"\nhosts_allow = [\"example.com\"]\n", "host names are not supported", 3},
		{"bad cidr", "[module.a]\npath = \"/tmp\"\nhosts_deny = [\"10.0.0.0/33\"]\n", "module.a.hosts_deny", 3},
		{"plain off loopback", "listen = [\"0.0.0.0:8873\"]\n", "allow_plain", 1},
		{"plain off loopback allowed", "listen = [\"0.0.0.0:8873\"]\nallow_plain = true\n", "", 0},
		{"plain loopback v6", "listen = [\"[::1]:8873\", \"localhost:1\"]\n", "", 0},
		{"tls without cert", "listen = [\"tls://:8874\"]\n", "needs tls_cert", 1},
		{"cert without key", "tls_cert = \"c.pem\"\n", "tls_cert and tls_key", 1},
		{"bad listen", "listen = [\"nope\"]\n", "missing port", 1},
		{"bad duration", "timeout = \"soon\"\n", "soon", -1},
		{"negative max", "max_connections = -1\n", "max_connections: must not be negative", 1},
		{"bad log format", "log_format = \"xml\"\n", "log_format", 1},
		{"unknown uid", "[module.a]\npath = \"/tmp\"\nuid = \"no-such-user-ferry\"\n", "module.a.uid", 3},
		{"numeric uid", "[module.a]\npath = \"/tmp\"\nuid = 1234\ngid = \"1234\"\n", "", 0},
		{"motd missing", "motd_file = \"nope.txt\"\n", "motd_file", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := ParseConfig([]byte(tc.text), filepath.Join(dir, "ferryd.toml"))
			if tc.wantErr == "" && tc.wantLine == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if cfg != nil || err == nil {
				t.Fatalf("no error, want %q", tc.wantErr)
			}
			if !errors.Is(err, ErrConfig) {
				t.Errorf("error %v does not match ErrConfig", err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q, want it to contain %q", err, tc.wantErr)
			}
			var ce *ConfigError
			if errors.As(err, &ce) && tc.wantLine > 0 && ce.Line != tc.wantLine {
				t.Errorf("line %d, want %d (%v)", ce.Line, tc.wantLine, err)
			}
			if tc.wantLine < 0 && (ce == nil || ce.Line == 0) {
				t.Errorf("no line in %v", err)
			}
		})
	}
}

func TestModuleDefaults(t *testing.T) {
	cfg, err := ParseConfig([]byte("name = \"s\"\n[module.a]\npath = \"/tmp\"\n[module.w]\npath = \"/tmp\"\nwrite_only = true\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	a, w := cfg.Modules["a"], cfg.Modules["w"]
	if !a.IsReadOnly() || a.WriteOnly || !a.IsListed() || a.NeedsAuth() || a.uid != -1 || a.gid != -1 {
		t.Errorf("defaults of a: ro=%v wo=%v list=%v auth=%v uid=%d gid=%d", a.IsReadOnly(), a.WriteOnly, a.IsListed(), a.NeedsAuth(), a.uid, a.gid)
	}
	if w.IsReadOnly() {
		t.Error("write_only module is read only")
	}
	if time.Duration(cfg.HandshakeTimeout) != DefaultHandshakeTimeout {
		t.Errorf("handshake timeout %v", cfg.HandshakeTimeout)
	}
}

// TestLimitDefaults: the limits default to safe values when left out; an
// explicit 0 still means none, and a module's timeout = 0 overrides the
// global one.
func TestLimitDefaults(t *testing.T) {
	tests := []struct {
		name, text                 string
		timeout, modTimeout        time.Duration
		maxConns, perHost, minRate int
		allowSetID, allowDevices   bool
	}{
		{"defaults", "[module.a]\npath = \"/tmp\"\n", DefaultTimeout, DefaultTimeout, DefaultMaxConnections, DefaultMaxPerHost, DefaultMinRate, false, false},
		{"explicit none", "timeout = 0\nmax_connections = 0\nmax_connections_per_host = 0\nmin_rate = 0\n[module.a]\npath = \"/tmp\"\n", 0, 0, 0, 0, 0, false, false},
		{"module override", "timeout = \"1h\"\n[module.a]\npath = \"/tmp\"\ntimeout = 0\nallow_setid = true\nallow_devices = true\n", time.Hour, 0, DefaultMaxConnections, DefaultMaxPerHost, DefaultMinRate, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := ParseConfig([]byte(tc.text), "")
			if err != nil {
				t.Fatal(err)
			}
			a := cfg.Modules["a"]
			if time.Duration(cfg.Timeout) != tc.timeout || time.Duration(a.Timeout) != tc.modTimeout {
				t.Errorf("timeout %v, module %v; want %v, %v", cfg.Timeout, a.Timeout, tc.timeout, tc.modTimeout)
			}
			if cfg.MaxConnections != tc.maxConns || cfg.MaxPerHost != tc.perHost || cfg.MinRate != tc.minRate {
				t.Errorf("max_connections %d, per host %d, min_rate %d", cfg.MaxConnections, cfg.MaxPerHost, cfg.MinRate)
			}
			if a.AllowSetID != tc.allowSetID || a.AllowDevices != tc.allowDevices {
				t.Errorf("allow_setid %v, allow_devices %v", a.AllowSetID, a.AllowDevices)
			}
		})
	}
	for _, k := range []string{"max_connections_per_host", "min_rate"} {
		if _, err := ParseConfig([]byte(k+" = -1\n"), ""); err == nil || !strings.Contains(err.Error(), "must not be negative") {
			t.Errorf("%s = -1: %v", k, err)
		}
	}
}

// TestGatewayExampleConfig loads docs/ferry-gateway.example.toml.
func TestGatewayExampleConfig(t *testing.T) {
	data, err := os.ReadFile("../../docs/ferry-gateway.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg, err := ParseConfig(data, filepath.Join(dir, "ferry-gateway.toml"))
	if err != nil {
		t.Fatalf("docs/ferry-gateway.example.toml: %v", err)
	}
	d := cfg.Modules["data"]
	if d == nil || len(d.backends) != 2 || d.backends[1].Target.Module != "data-replica" || d.backends[1].Target.Port != 9873 || !d.bind.IsValid() {
		t.Fatalf("module data = %+v", d)
	}
	if v := cfg.Modules["vault"]; v == nil || !v.backends[0].Target.TLS || v.backends[0].Target.Port != DefaultTLSPort {
		t.Fatalf("module vault = %+v", v)
	}
	if a := cfg.Modules["archive"]; a == nil || a.Redirect == "" {
		t.Fatalf("module archive = %+v", a)
	}
}

// TestGatewayConfigErrors: the gateway keys' load-time checks.
func TestGatewayConfigErrors(t *testing.T) {
	tests := []struct{ name, cfg, want string }{
		{"path and proxy", "[module.m]\npath = \"/x\"\nproxy = \"ferry://h/m\"", "exclude each other"},
		{"proxy and redirect", "[module.m]\nredirect = \"ferry://h/m\"\nproxy = \"ferry://h/m\"", "exclude each other"},
		{"proxy not a URL", "[module.m]\nproxy = \"h::m\"", "want ferry://"},
		{"proxy with a path", "[module.m]\nproxy = \"ferry://h/m/sub\"", "path inside"},
		{"proxy with a user", "[module.m]\nproxy = \"ferry://u@h/m\"", "user"},
		{"proxy no module", "[module.m]\nproxy = \"ferry://h/\"", "no module"},
		{"proxy empty list", "[module.m]\nproxy = []", "empty list"},
		{"proxy list of numbers", "[module.m]\nproxy = [1]", "list of ferry://"},
		{"proxy with uid", "[module.m]\nproxy = \"ferry://h/m\"\nuid = 0", "uid and gid do not apply"},
		{"pin without TLS backend", "[module.m]\nproxy = \"ferry://h/m\"\ntls_fingerprint = \"sha256:" + strings.Repeat("00", 32) + "\"", "no ferrys://"},
		{"bad pin", "[module.m]\nproxy = \"ferrys://h/m\"\ntls_fingerprint = \"md5:1\"", "tls_fingerprint"},
		{"bind not an IP", "[module.m]\nproxy = \"ferry://h/m\"\nproxy_bind = \"gw.example\"", "IP address"},
		{"tls keys without proxy", "[module.m]\npath = \"/x\"\ntls_ca = \"ca.pem\"", "must be set with"},
		{"proxy_protocol without proxy", "[module.m]\npath = \"/x\"\nproxy_protocol = true", "must be set with"},
		{"proxy_protocol to TLS", "[module.m]\nproxy = \"ferrys://h/m\"\nproxy_protocol = true", "ferry:// backends only"},
		{"redirect bad", "[module.m]\nredirect = \"http://h/m\"", "want ferry://"},
		{"trusted host name", "trusted_proxies = [\"gw.example\"]", "trusted_proxies"},
		{"upstream with a module", "upstreams = [\"ferry://h/m\"]", "daemon's address only"},
		{"upstream not a URL", "upstreams = [\"h::\"]", "want ferry://"},
		{"upstream mode", "upstreams = [\"ferry://h\"]\nupstream_mode = \"relay\"", "upstream_mode"},
		{"ttl without upstreams", "upstream_ttl = \"5m\"", "upstreams"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "s"), "a:p\n", 0o600)
			_, err := ParseConfig([]byte(tc.cfg), filepath.Join(dir, "f.toml"))
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a config error with %q", err, tc.want)
			}
		})
	}
}
