package daemon

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/ferrysync/ferry/internal/fsys"
)

// Target is a daemon address from the command line:
//
//	ferry://[user@]host[:port][/module[/path]]    plain TCP (default port 8873)
//	ferrys://[user@]host[:port][/module[/path]]   TLS (default port 8874)
//	[user@]host::module[/path]                    plain TCP, rsync's spelling
//
// IPv6 hosts are bracketed: ferry://[::1]/data, [::1]::data.
type Target struct {
	User string
	Host string // without brackets
	Port int
	// PortSet says the address named its port; Port is the default
	// otherwise.
	PortSet bool
	TLS     bool
	Module  string // "" asks for the module list
	Path    string // inside the module, without a leading '/'; may be ""
}

// Addr returns host:port for Dial.
func (t Target) Addr() string { return net.JoinHostPort(t.Host, strconv.Itoa(t.Port)) }

// IsTarget reports whether s is written as a daemon address: a ferry:// or
// ferrys:// URL, or "[user@]host::module" where the "::" follows the host
// (a bracketed IPv6 host may hold colons of its own).
func IsTarget(s string) bool {
	if strings.HasPrefix(s, "ferry://") || strings.HasPrefix(s, "ferrys://") {
		return true
	}
	if i := strings.IndexByte(s, '['); i >= 0 && (i == 0 || s[i-1] == '@') {
		j := strings.IndexByte(s, ']')
		return j > i && strings.HasPrefix(s[j+1:], "::") && !strings.Contains(s[:i], "/")
	}
	i := strings.Index(s, "::")
	return i > 0 && !strings.Contains(s[:i], "/")
}

// ParseTarget parses a daemon address (see Target).
func ParseTarget(s string) (Target, error) {
	var t Target
	var hostport, rest string
	switch {
	case strings.HasPrefix(s, "ferry://"), strings.HasPrefix(s, "ferrys://"):
		t.TLS = strings.HasPrefix(s, "ferrys://")
		s = s[strings.Index(s, "://")+3:]
		hostport, rest, _ = strings.Cut(s, "/")
	default:
		i := strings.Index(s, "::")
		if strings.HasPrefix(s, "[") || strings.Contains(s, "@[") {
			i = strings.Index(s, "]::") + 1
		}
		if i <= 0 {
			return t, fmt.Errorf("%q: not a daemon address (ferry://host/module or host::module)", s)
		}
		hostport, rest = s[:i], s[i+2:]
	}
	if u, h, ok := strings.Cut(hostport, "@"); ok {
		t.User, hostport = u, h
	}
	t.Port = DefaultPort
	if t.TLS {
		t.Port = DefaultTLSPort
	}
	host := hostport
	if h, p, err := net.SplitHostPort(hostport); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return t, fmt.Errorf("%q: bad port %q", s, p)
		}
		host, t.Port, t.PortSet = h, n, true
	}
	t.Host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if t.Host == "" {
		return t, fmt.Errorf("%q: no host", s)
	}
	t.Module, t.Path, _ = strings.Cut(rest, "/")
	t.Path = strings.TrimLeft(t.Path, "/")
	return t, nil
}

// ErrNoPassword reports that no password was given for an auth module.
var ErrNoPassword = errors.New("ferry: no password: set FERRY_PASSWORD or use --password-file")

// Password returns the password from file (its first line; the file must
// not be accessible by others, like rsync's --password-file) or, with file
// "", from the FERRY_PASSWORD environment variable.
func Password(file string) (string, error) {
	if file == "" {
		if pw, ok := os.LookupEnv("FERRY_PASSWORD"); ok {
			return pw, nil
		}
		return "", ErrNoPassword
	}
	var data []byte
	var err error
	if file == "-" {
		data, err = bufio.NewReader(os.Stdin).ReadBytes('\n')
		if len(data) > 0 {
			err = nil
		}
	} else {
		// Opened once, checked and read through that descriptor; a
		// symlink on the way is followed only when root or this user
		// owns it.
		f, oerr := fsys.OpenFileTrusted(file)
		if oerr != nil {
			return "", fmt.Errorf("password file: %w", oerr)
		}
		defer f.Close()
		fi, serr := f.Stat()
		if serr != nil {
			return "", fmt.Errorf("password file: %w", serr)
		}
		if fi.Mode().Perm()&0o006 != 0 {
			return "", fmt.Errorf("password file %s: must not be accessible by others (chmod o-rwx)", file)
		}
		data, err = io.ReadAll(f)
	}
	if err != nil {
		return "", fmt.Errorf("password file: %w", err)
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	return strings.TrimSuffix(string(line), "\r"), nil
}
