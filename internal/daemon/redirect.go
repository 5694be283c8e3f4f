package daemon

import (
	"errors"
	"fmt"
	"log/slog"
)

// Error codes of gateway refusals (docs/DAEMON.md, "ERROR").
const (
	CodeLoop        ErrorCode = 10 // too many hops: a proxy or redirect loop
	CodeUnavailable ErrorCode = 11 // a proxy module's backends failed
	CodeMoved       ErrorCode = 12 // a redirect module, to a client that cannot follow REDIRECT
)

// Sentinel errors of the gateway codes, matched by a RemoteError.
var (
	ErrLoop        = errors.New("ferry: too many hops (proxy or redirect loop)")
	ErrUnavailable = errors.New("ferry: the module's backend is unavailable")
	ErrMoved       = errors.New("ferry: the module has moved")
)

// redirect answers OPEN of a redirect module: REDIRECT to a client that
// follows redirects, an ERROR naming the new address to one that does not.
func (c *serverConn) redirect(m *Module, req openRequest, log *slog.Logger) error {
	if int(req.Hops)+1 > MaxHops {
		return refuse(CodeLoop, "module %q: too many hops (%d): a proxy or redirect loop?", m.Name, req.Hops)
	}
	if !hasCap(req.Caps, CapRedirect) {
		return refuse(CodeMoved, "module %q has moved to %s", m.Name, m.Redirect)
	}
	log.Info("redirect", "to", m.Redirect)
	c.s.metrics.redirects.WithLabelValues(m.Name).Inc()
	if err := writeFrame(c.conn, msgRedirect, redirectMsg{URL: m.Redirect}.marshal()); err != nil {
		return err
	}
	c.drain()
	return nil
}

// RedirectError is a daemon's REDIRECT: the module opened lives at URL
// ("ferry://host[:port]/module" or "ferrys://...").
type RedirectError struct {
	Module string // the module that was opened
	URL    string // where it lives
	Target Target // URL parsed
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("ferry daemon: module %q redirects to %s", e.Module, e.URL)
}

// redirectError decodes a REDIRECT payload into a *RedirectError, or
// returns the decoding error.
func redirectError(payload []byte, module string) error {
	var rm redirectMsg
	if err := rm.unmarshal(payload); err != nil {
		return err
	}
	t, _ := parseModuleURL(rm.URL) // checked by unmarshal
	return &RedirectError{Module: module, URL: rm.URL, Target: t}
}
