package ferry

import (
	"errors"
	"fmt"
	"github.com/ferrysync/ferry/internal/daemon"
	"net/url"
	"strconv"
	"strings"
)

// ErrNotSupported reports an operand form that ferry recognises but cannot
// use yet (daemon transfers).
var ErrNotSupported = errors.New("ferry: not supported yet")

// ErrStartup reports that the remote side could not be started or went
// away before the protocol handshake (the remote shell failed, the remote
// ferry is missing).
var ErrStartup = errors.New("ferry: could not start the remote side")

// ShellExitError reports a remote shell that exited with Status before the
// handshake: 255 when ssh itself failed (connection refused, unknown
// host, authentication), 127 when the remote command (ferry) was not
// found, 126 when it could not be run. It matches ErrStartup.
type ShellExitError struct {
	Status int
}

func (e *ShellExitError) Error() string {
	why := "the remote shell exited with status %d before the handshake"
	switch e.Status {
	case 255:
		why = "the remote shell failed (exit status %d)"
	case 127:
		why = "remote command not found (the remote shell exited with status %d)"
	case 126:
		why = "remote command could not be run (the remote shell exited with status %d)"
	}
	return ErrStartup.Error() + ": " + fmt.Sprintf(why, e.Status)
}

// Unwrap returns ErrStartup.
func (e *ShellExitError) Unwrap() error { return ErrStartup }

// ErrBadOperand reports an operand that cannot be parsed.
var ErrBadOperand = errors.New("ferry: bad operand")

// ErrBadOption reports an Options value ferry refuses (an absolute
// PartialDir).
var ErrBadOption = errors.New("ferry: bad option")

// OperandKind says where an operand lives.
type OperandKind int

// Operand kinds.
const (
	Local  OperandKind = iota // a local path
	Shell                     // host:path, user@host:path, ssh://user@host:port/path: via a remote shell
	Daemon                    // host::module/path, ferry://host[:port]/module/path: a ferry daemon
)

// Operand is a parsed source or destination argument.
type Operand struct {
	Kind OperandKind
	User string // remote user, "" for the default
	Host string // remote host (IPv6 literals without brackets)
	Port int    // 0 for the default
	// PortSet says the operand named its port (a daemon address gets the
	// default port otherwise, which Options.Port replaces).
	PortSet bool
	Module  string // daemon module
	Path    string // path on that side; for remote operands it may be ""
	TLS     bool   // daemon over TLS (ferrys://)
}

// ParseOperand parses a command-line operand the way rsync does: a colon
// before the first slash makes it remote ("host:path"; "host::module" for
// a daemon), URLs name their scheme, anything else is a local path. A path
// starting with "/" or "./" is always local.
func ParseOperand(s string) (Operand, error) {
	if s == "" {
		return Operand{}, fmt.Errorf("%w: empty", ErrBadOperand)
	}
	if daemon.IsTarget(s) {
		t, err := daemon.ParseTarget(s)
		if err != nil {
			return Operand{}, fmt.Errorf("%w: %w", ErrBadOperand, err)
		}
		return Operand{Kind: Daemon, User: t.User, Host: t.Host, Port: t.Port, PortSet: t.PortSet, TLS: t.TLS, Module: t.Module, Path: t.Path}, nil
	}
	if strings.HasPrefix(s, "ssh://") {
		return parseURL(s)
	}
	if strings.HasPrefix(s, "/") || strings.HasPrefix(s, "./") {
		return Operand{Kind: Local, Path: s}, nil
	}
	host, rest, ok := splitHost(s)
	if !ok {
		return Operand{Kind: Local, Path: s}, nil
	}
	op := Operand{Kind: Shell}
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		op.User, host = host[:i], host[i+1:]
	}
	op.Host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if op.Host == "" {
		return Operand{}, fmt.Errorf("%w: %q: empty host", ErrBadOperand, s)
	}
	op.Path = rest
	return op, nil
}

// splitHost splits "host:rest" when a colon comes before any slash (an
// IPv6 literal in brackets may hold colons).
func splitHost(s string) (host, rest string, ok bool) {
	start := 0
	if at := strings.IndexByte(s, '@'); at >= 0 && at+1 < len(s) && s[at+1] == '[' {
		start = at + 1
	}
	if s[start] == '[' {
		end := strings.IndexByte(s, ']')
		if end < 0 || end+1 >= len(s) || s[end+1] != ':' {
			return "", "", false
		}
		return s[:end+1], s[end+2:], true
	}
	colon := strings.IndexByte(s, ':')
	slash := strings.IndexByte(s, '/')
	if colon <= 0 || (slash >= 0 && slash < colon) {
		return "", "", false
	}
	return s[:colon], s[colon+1:], true
}

func parseURL(s string) (Operand, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return Operand{}, fmt.Errorf("%w: %q", ErrBadOperand, s)
	}
	op := Operand{Kind: Shell, Host: u.Hostname()}
	if u.User != nil {
		op.User = u.User.Username()
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return Operand{}, fmt.Errorf("%w: %q: bad port", ErrBadOperand, s)
		}
		op.Port = n
	}
	path := strings.TrimPrefix(u.Path, "/")
	op.Path = path
	if strings.HasSuffix(u.Path, "/") && !strings.HasSuffix(op.Path, "/") {
		op.Path += "/"
	}
	return op, nil
}

// String formats the operand back in its command-line form.
func (o Operand) String() string {
	host := o.Host
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if o.User != "" {
		host = o.User + "@" + host
	}
	switch o.Kind {
	case Shell:
		if o.Port != 0 {
			return fmt.Sprintf("ssh://%s:%d/%s", host, o.Port, o.Path)
		}
		return host + ":" + o.Path
	case Daemon:
		if o.TLS {
			return fmt.Sprintf("ferrys://%s/%s/%s", joinPort(host, o.Port), o.Module, o.Path)
		}
		if o.Port != 0 {
			return fmt.Sprintf("ferry://%s:%d/%s/%s", host, o.Port, o.Module, o.Path)
		}
		return host + "::" + o.Module + "/" + o.Path
	}
	return o.Path
}

func joinPort(host string, port int) string {
	if port == 0 {
		return host
	}
	return fmt.Sprintf("%s:%d", host, port)
}
