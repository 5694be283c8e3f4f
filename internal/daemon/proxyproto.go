package daemon

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net/netip"
)

// PROXY protocol version 2 (HAProxy's proxy-protocol.txt, section 2.2;
// docs/DAEMON.md 10.6): a gateway module with proxy_protocol sends this
// binary header first on its backend connection, naming the client's
// address; a backend believes it only from trusted_proxies. The header is
//
//	12 bytes  signature \r\n\r\n\0\r\nQUIT\n
//	1 byte    version (high nibble, 2) and command (low: 0 LOCAL, 1 PROXY)
//	1 byte    address family (high: 0 UNSPEC, 1 INET, 2 INET6, 3 UNIX)
//	          and transport (low: 0 UNSPEC, 1 STREAM, 2 DGRAM)
//	2 bytes   length of what follows, big endian
//	INET:  source address (4), destination address (4), source port (2),
//	       destination port (2); INET6: the same with 16-byte addresses;
//	then TLVs, which this decoder skips.

// proxySig is the PROXY v2 signature.
var proxySig = [12]byte{0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a}

// proxyFixedLen is the part of a PROXY v2 header before the addresses.
const proxyFixedLen = 16

// maxProxyLen bounds the length a PROXY v2 header may declare after its
// fixed part (addresses and TLVs), checked before any allocation. The
// largest address block (UNIX) is 216 bytes.
const maxProxyLen = 1024

// proxyHeader is what a PROXY v2 header says.
type proxyHeader struct {
	// Local: a LOCAL command (the proxy's own connection, a health check):
	// the connection's own endpoints stand.
	Local bool
	// Src and Dst are the client's address and the one it connected to;
	// invalid for LOCAL and for families other than TCP over IPv4 or IPv6.
	Src, Dst netip.AddrPort
}

// marshalProxyHeader returns the PROXY v2 header for a TCP connection
// from src to dst (both IPv4 or both IPv6; a mix is sent as IPv6).
func marshalProxyHeader(src, dst netip.AddrPort) []byte {
	b := make([]byte, proxyFixedLen, proxyFixedLen+36)
	copy(b, proxySig[:])
	b[12] = 0x21 // version 2, PROXY
	sa, da := src.Addr().Unmap(), dst.Addr().Unmap()
	if sa.Is4() && da.Is4() {
		b[13] = 0x11 // INET, STREAM
		binary.BigEndian.PutUint16(b[14:], 12)
		b = append(b, sa.AsSlice()...)
		b = append(b, da.AsSlice()...)
	} else {
		b[13] = 0x21 // INET6, STREAM
		binary.BigEndian.PutUint16(b[14:], 36)
		s16, d16 := src.Addr().As16(), dst.Addr().As16()
		b = append(b, s16[:]...)
		b = append(b, d16[:]...)
	}
	b = binary.BigEndian.AppendUint16(b, src.Port())
	b = binary.BigEndian.AppendUint16(b, dst.Port())
	return b
}

// isProxyStart reports whether p, the first bytes of a connection, begin
// like a PROXY v2 signature.
func isProxyStart(p []byte) bool {
	n := min(len(p), len(proxySig))
	return n > 0 && bytes.Equal(p[:n], proxySig[:n])
}

// readProxyHeader reads the rest of a PROXY v2 header whose first bytes,
// already read, are start (at most 16). It reads exactly the header.
func readProxyHeader(r io.Reader, start []byte) (proxyHeader, error) {
	var fixed [proxyFixedLen]byte
	n := copy(fixed[:], start)
	if _, err := io.ReadFull(r, fixed[n:]); err != nil {
		return proxyHeader{}, fmt.Errorf("read PROXY header: %w", err)
	}
	l := int(binary.BigEndian.Uint16(fixed[14:]))
	if l > maxProxyLen {
		return proxyHeader{}, fmt.Errorf("%w: PROXY header of %d bytes (max %d)", ErrProtocol, l, maxProxyLen)
	}
	rest := make([]byte, l)
	if _, err := io.ReadFull(r, rest); err != nil {
		return proxyHeader{}, fmt.Errorf("read PROXY header: %w", err)
	}
	return parseProxyHeader(append(fixed[:], rest...))
}

// parseProxyHeader decodes a whole PROXY v2 header.
func parseProxyHeader(b []byte) (proxyHeader, error) {
	bad := func(format string, args ...any) (proxyHeader, error) {
		return proxyHeader{}, fmt.Errorf("%w: PROXY header: %s", ErrProtocol, fmt.Sprintf(format, args...))
	}
	if len(b) < proxyFixedLen || !bytes.Equal(b[:12], proxySig[:]) {
		return bad("no v2 signature")
	}
	if b[12]>>4 != 2 {
		return bad("version %d, want 2", b[12]>>4)
	}
	l := int(binary.BigEndian.Uint16(b[14:]))
	if len(b) != proxyFixedLen+l || l > maxProxyLen {
		return bad("length %d does not match its %d bytes", l, len(b)-proxyFixedLen)
	}
	body := b[proxyFixedLen:]
	var h proxyHeader
	switch b[12] & 0x0f {
	case 0x0:
		h.Local = true
		return h, nil // addresses, if any, are ignored
	case 0x1:
	default:
		return bad("unknown command %d", b[12]&0x0f)
	}
	var alen int
	switch b[13] {
	case 0x11: // TCP over IPv4
		alen = 4
	case 0x21: // TCP over IPv6
		alen = 16
	default:
		// UNSPEC, UDP or UNIX: no TCP client address to use.
		return bad("address family and transport 0x%02x, want TCP over IPv4 (0x11) or IPv6 (0x21)", b[13])
	}
	if len(body) < 2*alen+4 {
		return bad("%d bytes, too short for the addresses", len(body))
	}
	src, _ := netip.AddrFromSlice(body[:alen])
	dst, _ := netip.AddrFromSlice(body[alen : 2*alen])
	h.Src = netip.AddrPortFrom(src.Unmap(), binary.BigEndian.Uint16(body[2*alen:]))
	h.Dst = netip.AddrPortFrom(dst.Unmap(), binary.BigEndian.Uint16(body[2*alen+2:]))
	return h, nil
}
