package daemon

import (
	"fmt"
	"io"
	"net"
	"net/netip"
)

// readHello reads the client's first frame, HELLO, after a PROXY v2
// header if the connection starts with one (proxyproto.go). The header
// is believed only from a peer in trusted_proxies: from anyone else the
// connection is refused, since its sender claims to speak for others.
func (c *serverConn) readHello() (frame, error) {
	var hdr [frameHeaderLen]byte
	if _, err := io.ReadFull(c.conn, hdr[:]); err != nil {
		return frame{}, fmt.Errorf("read frame header: %w", err)
	}
	if !isProxyStart(hdr[:]) {
		f, err := readFrameAfter(c.conn, hdr, MaxFramePayload/16)
		if err == nil && f.typ != msgHello {
			return f, fmt.Errorf("%w: unexpected %s", ErrProtocol, f.typ)
		}
		return f, err
	}
	if !matchAny(c.cfg.trusted, c.remote) {
		c.log.Warn("PROXY header from an untrusted peer refused (not in trusted_proxies)")
		return frame{}, refuse(CodeAccessDenied, "PROXY header from %s refused: not a trusted proxy", c.remote)
	}
	h, err := readProxyHeader(c.conn, hdr[:])
	if err != nil {
		return frame{}, err
	}
	if !h.Local {
		c.proxied = netip.AddrPortFrom(h.Src.Addr().Unmap(), h.Src.Port())
		c.log = c.log.With("client", c.proxied.Addr().String(), "via_proxy_protocol", true)
	}
	return c.readMsg(msgHello)
}

// proxyHeaderFor returns the PROXY v2 header for a backend connection of
// m on behalf of this client, nil unless m has proxy_protocol.
func (c *serverConn) proxyHeaderFor(m *Module) []byte {
	if !m.ProxyProtocol {
		return nil
	}
	src := c.proxied
	if !src.IsValid() {
		src = addrPort(c.conn.RemoteAddr())
	}
	if a := c.client(); a.IsValid() && a != src.Addr() {
		src = netip.AddrPortFrom(a, 0) // behind a FORWARD: its address, port unknown
	}
	dst := addrPort(c.conn.LocalAddr())
	if !src.IsValid() || !dst.IsValid() {
		return nil
	}
	return marshalProxyHeader(src, dst)
}

// addrPort returns a's IP address and port, invalid for non-IP addresses.
func addrPort(a net.Addr) netip.AddrPort {
	if ta, ok := a.(*net.TCPAddr); ok {
		ap := ta.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	return netip.AddrPort{}
}
