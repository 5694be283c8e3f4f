package daemon

import (
	"fmt"
	"net/netip"
)

// forwarded reads a gateway's FORWARD (already in f) and then the OPEN
// that must follow it. The client address and names it carries are
// believed only from a peer in trusted_proxies; from anyone else they are
// logged and ignored, so the connection is judged by its own address and
// a client answering a challenge for another server's name fails.
func (c *serverConn) forwarded(f frame) (frame, error) {
	if c.version < capsVersion {
		return f, fmt.Errorf("%w: FORWARD in daemon-phase version %d", ErrProtocol, c.version)
	}
	var fm forwardMsg
	if err := fm.unmarshal(f.payload); err != nil {
		return f, err
	}
	client, err := netip.ParseAddr(fm.Client)
	if err != nil {
		return f, fmt.Errorf("%w: FORWARD: client %q: not an IP address", ErrProtocol, fm.Client)
	}
	if matchAny(c.cfg.trusted, c.remote) {
		fm.Client = client.Unmap().String()
		c.fwd = &fm
		c.log = c.log.With("client", fm.Client, "via", fm.Via)
	} else {
		c.log.Info("FORWARD from an untrusted peer ignored (not in trusted_proxies)", "claimed_client", fm.Client)
	}
	return c.readMsg(msgOpen)
}

// client returns the address host rules and login backoff judge: the
// forwarded client's from a trusted gateway, else the peer's.
func (c *serverConn) client() netip.Addr {
	if c.fwd != nil {
		a, _ := netip.ParseAddr(c.fwd.Client)
		return a
	}
	if c.proxied.IsValid() {
		return c.proxied.Addr()
	}
	return c.remote
}

// remoteString names the client in a Session and its logs.
func (c *serverConn) remoteString() string {
	if c.fwd != nil {
		return fmt.Sprintf("%s (via %s)", c.fwd.Client, c.conn.RemoteAddr())
	}
	if c.proxied.IsValid() {
		return fmt.Sprintf("%s (via %s)", c.proxied, c.conn.RemoteAddr())
	}
	return c.conn.RemoteAddr().String()
}
