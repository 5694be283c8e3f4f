package daemon

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/ferrysync/ferry/internal/fsys"
)

// validator checks a decoded Config and fills in its derived fields.
type validator struct {
	file string
	data []byte        // the TOML text, to find lines
	md   toml.MetaData // which keys the file sets, for defaults
}

// errorf returns a ConfigError for key, with the key's line if found.
func (v *validator) errorf(key toml.Key, format string, args ...any) error {
	return &ConfigError{File: v.file, Line: keyLine(v.data, key), Key: key.String(), Msg: fmt.Sprintf(format, args...)}
}

func (v *validator) validate(c *Config) error {
	for _, l := range c.Listen {
		if err := checkListen(l, c.AllowPlain, c.TLSCert != "" && c.TLSKey != ""); err != nil {
			return v.errorf(toml.Key{"listen"}, "%s", err)
		}
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return v.errorf(toml.Key{"tls_cert"}, "tls_cert and tls_key must be set together")
	}
	c.TLSCert, c.TLSKey = c.resolve(c.TLSCert), c.resolve(c.TLSKey)
	switch c.LogFormat {
	case "", "text", "json":
	default:
		return v.errorf(toml.Key{"log_format"}, "%q: want \"text\" or \"json\"", c.LogFormat)
	}
	if c.LogFile != "-" {
		c.LogFile = c.resolve(c.LogFile)
	}
	if err := v.defaults(c); err != nil {
		return err
	}
	if c.HandshakeTimeout == 0 {
		c.HandshakeTimeout = Duration(DefaultHandshakeTimeout)
	}
	if c.Name == "" {
		c.Name, _ = os.Hostname()
	}
	if len(c.Name) > maxNameLen {
		return v.errorf(toml.Key{"name"}, "longer than %d bytes", maxNameLen)
	}
	if c.MotdFile != "" {
		c.MotdFile = c.resolve(c.MotdFile)
		b, err := fsys.ReadFileTrusted(c.MotdFile)
		if err != nil {
			return v.errorf(toml.Key{"motd_file"}, "%s", err)
		}
		if len(b) > maxMotdLen {
			return v.errorf(toml.Key{"motd_file"}, "longer than %d bytes", maxMotdLen)
		}
		c.Motd = string(b)
	}
	if err := v.validateTrusted(c); err != nil {
		return err
	}
	if err := v.validateUpstreams(c); err != nil {
		return err
	}
	names := make([]string, 0, len(c.Modules))
	for name := range c.Modules {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		m := c.Modules[name]
		if m == nil {
			return v.errorf(toml.Key{"module", name}, "must be a table")
		}
		m.Name = name
		if err := v.validateModule(c, m); err != nil {
			return err
		}
	}
	return nil
}

func (v *validator) validateModule(c *Config, m *Module) error {
	key := func(k string) toml.Key { return toml.Key{"module", m.Name, k} }
	if err := checkModuleName(m.Name); err != nil {
		return v.errorf(toml.Key{"module", m.Name}, "%s", err)
	}
	gw, err := v.validateGateway(c, m)
	if err != nil {
		return err
	}
	if m.Path == "" && !gw {
		return v.errorf(key("path"), "must be set")
	}
	m.Path = c.resolve(m.Path)
	if len(m.Comment) > maxCommentLen {
		return v.errorf(key("comment"), "longer than %d bytes", maxCommentLen)
	}
	if m.WriteOnly && m.ReadOnly != nil && *m.ReadOnly {
		return v.errorf(key("write_only"), "read_only and write_only are both set")
	}
	if m.MaxConnections < 0 {
		return v.errorf(key("max_connections"), "must not be negative")
	}
	for _, u := range m.AuthUsers {
		if u == "" || len(u) > maxNameLen || strings.ContainsAny(u, ": \t\n") {
			return v.errorf(key("auth_users"), "bad user name %q", u)
		}
	}
	switch {
	case len(m.AuthUsers) > 0 && m.SecretsFile == "":
		return v.errorf(key("secrets_file"), "must be set when auth_users is")
	case len(m.AuthUsers) == 0 && m.SecretsFile != "":
		return v.errorf(key("auth_users"), "must be set when secrets_file is")
	case m.SecretsFile != "":
		m.SecretsFile = c.resolve(m.SecretsFile)
		if err := checkSecretsFile(m.SecretsFile); err != nil {
			return v.errorf(key("secrets_file"), "%s", err)
		}
	}
	if m.access.allow, err = parseHostList(m.HostsAllow); err != nil {
		return v.errorf(key("hosts_allow"), "%s", err)
	}
	if m.access.deny, err = parseHostList(m.HostsDeny); err != nil {
		return v.errorf(key("hosts_deny"), "%s", err)
	}
	if m.uid, err = m.UID.lookupUser(); err != nil {
		return v.errorf(key("uid"), "%s", err)
	}
	if m.gid, err = m.GID.lookupGroup(); err != nil {
		return v.errorf(key("gid"), "%s", err)
	}
	if !v.md.IsDefined("module", m.Name, "timeout") {
		m.Timeout = c.Timeout
	}
	if m.uid, m.gid, err = moduleIDs(m, os.Geteuid() == 0); err != nil {
		return v.errorf(key("uid"), "%s", err)
	}
	return v.validateSwarm(c, m)
}

// checkModuleName allows letters, digits, '.', '_' and '-', not starting
// with '.', so that a name is safe in URLs, logs and listings.
func checkModuleName(name string) error {
	if name == "" || len(name) > maxNameLen || name[0] == '.' {
		return fmt.Errorf("bad module name %q", name)
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
		if !ok {
			return fmt.Errorf("bad module name %q: only letters, digits, '.', '_' and '-'", name)
		}
	}
	return nil
}

// checkListen validates one listen address.
func checkListen(l string, allowPlain, haveTLS bool) error {
	hostport, isTLS := strings.CutPrefix(l, "tls://")
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return fmt.Errorf("%q: %w", l, err)
	}
	if isTLS {
		if !haveTLS {
			return fmt.Errorf("%q: a tls:// listener needs tls_cert and tls_key", l)
		}
		return nil
	}
	if allowPlain {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if a, err := netip.ParseAddr(host); err == nil && a.Unmap().IsLoopback() {
		return nil
	}
	return fmt.Errorf("%q: plain TCP off loopback needs allow_plain = true (or use tls://)", l)
}

// keyLine finds the line of a dotted key in TOML text by following table
// headers; 0 when not found. It covers the common layouts, not all TOML.
func keyLine(data []byte, key toml.Key) int {
	if len(key) == 0 {
		return 0
	}
	full := strings.Join(key, ".")
	table, last := strings.Join(key[:len(key)-1], "."), key[len(key)-1]
	cur := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") && !strings.HasPrefix(line, "[[") {
			cur = normalizeKey(strings.Trim(line[:strings.IndexByte(line+"]", ']')], "[ "))
			if cur == full {
				return n
			}
			continue
		}
		k, _, ok := strings.Cut(line, "=")
		if ok && cur == table && normalizeKey(k) == last {
			return n
		}
	}
	return 0
}

// normalizeKey removes spaces and quotes around the parts of a dotted key.
func normalizeKey(s string) string {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, ".")
}
