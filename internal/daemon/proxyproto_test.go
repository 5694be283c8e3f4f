package daemon

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// proxyHdr builds a PROXY v2 header by hand: verCmd, famProto, the body.
func proxyHdr(verCmd, famProto byte, body []byte) []byte {
	b := append([]byte{}, proxySig[:]...)
	b = append(b, verCmd, famProto)
	b = binary.BigEndian.AppendUint16(b, uint16(len(body)))
	return append(b, body...)
}

// TestProxyHeaderFormat checks the encoder against the specification's
// layout byte for byte, IPv4 and IPv6.
func TestProxyHeaderFormat(t *testing.T) {
	tests := []struct {
		src, dst string
		want     []byte
	}{
		{"192.0.2.7:40000", "198.51.100.1:873", proxyHdr(0x21, 0x11, []byte{
			192, 0, 2, 7, 198, 51, 100, 1, 0x9c, 0x40, 0x03, 0x69})},
		{"[2001:db8::7]:40000", "[2001:db8::1]:873", proxyHdr(0x21, 0x21, append(append(
			netip.MustParseAddr("2001:db8::7").AsSlice(), netip.MustParseAddr("2001:db8::1").AsSlice()...),
			0x9c, 0x40, 0x03, 0x69))},
	}
	for _, tc := range tests {
		got := marshalProxyHeader(netip.MustParseAddrPort(tc.src), netip.MustParseAddrPort(tc.dst))
		if !bytes.Equal(got, tc.want) {
			t.Errorf("%s -> %s: %x, want %x", tc.src, tc.dst, got, tc.want)
		}
	}
}

// TestProxyHeaderParse decodes valid and malformed headers.
func TestProxyHeaderParse(t *testing.T) {
	v4 := []byte{10, 0, 0, 9, 10, 0, 0, 1, 0x30, 0x39, 0x03, 0x69}
	tlv := []byte{0x04, 0x00, 0x03, 'a', 'b', 'c'} // a NOOP TLV, skipped
	tests := []struct {
		name    string
		in      []byte
		src     string // "" with Local
		wantErr string
	}{
		{"tcp4", proxyHdr(0x21, 0x11, v4), "10.0.0.9:12345", ""},
		{"tcp4 with a TLV", proxyHdr(0x21, 0x11, append(append([]byte{}, v4...), tlv...)), "10.0.0.9:12345", ""},
		{"local", proxyHdr(0x20, 0x00, nil), "", ""},
		{"version 1", proxyHdr(0x11, 0x11, v4), "", "version 1"},
		{"unknown command", proxyHdr(0x22, 0x11, v4), "", "unknown command"},
		{"udp4", proxyHdr(0x21, 0x12, v4), "", "want TCP"},
		{"unix", proxyHdr(0x21, 0x31, make([]byte, 216)), "", "want TCP"},
		{"short tcp6", proxyHdr(0x21, 0x21, v4), "", "too short"},
		{"no signature", append([]byte("PROXY TCP4 "), make([]byte, 20)...), "", "no v2 signature"},
		{"length past the end", proxyHdr(0x21, 0x11, v4)[:20], "", "does not match"},
	}
	for _, tc := range tests {
		h, err := parseProxyHeader(tc.in)
		switch {
		case tc.wantErr != "":
			if err == nil || !errors.Is(err, ErrProtocol) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.src == "" && !h.Local:
			t.Errorf("%s: not LOCAL: %+v", tc.name, h)
		case tc.src != "" && h.Src != netip.MustParseAddrPort(tc.src):
			t.Errorf("%s: source %v, want %s", tc.name, h.Src, tc.src)
		}
	}
}

// TestProxyHeaderRead reads exactly the header off a stream, HELLO
// following it untouched, and refuses a declared length over the bound
// before reading (or allocating) it.
func TestProxyHeaderRead(t *testing.T) {
	hdr := marshalProxyHeader(netip.MustParseAddrPort("192.0.2.7:1"), netip.MustParseAddrPort("192.0.2.1:2"))
	r := bytes.NewReader(append(append([]byte{}, hdr...), "HELLO"...))
	start := make([]byte, frameHeaderLen)
	r.Read(start)
	if !isProxyStart(start) {
		t.Fatal("a PROXY header not recognised by its first bytes")
	}
	h, err := readProxyHeader(r, start)
	if err != nil || h.Src.Addr() != netip.MustParseAddr("192.0.2.7") {
		t.Fatalf("readProxyHeader = %+v, %v", h, err)
	}
	if rest := r.Len(); rest != len("HELLO") {
		t.Errorf("%d bytes left after the header, want 5", rest)
	}
	big := proxyHdr(0x21, 0x11, nil)
	binary.BigEndian.PutUint16(big[14:], maxProxyLen+1)
	if _, err := readProxyHeader(bytes.NewReader(big[frameHeaderLen:]), big[:frameHeaderLen]); !errors.Is(err, ErrProtocol) {
		t.Errorf("a %d-byte header: %v, want refused", maxProxyLen+1, err)
	}
	if isProxyStart([]byte{byte(msgHello), 0, 0, 0, 12}) {
		t.Error("HELLO taken for a PROXY header")
	}
}

// FuzzParseProxyHeader: any input decodes or fails cleanly, and what
// decodes as a TCP PROXY header re-encodes to the same addresses.
func FuzzParseProxyHeader(f *testing.F) {
	f.Add(marshalProxyHeader(netip.MustParseAddrPort("192.0.2.7:40000"), netip.MustParseAddrPort("192.0.2.1:873")))
	f.Add(marshalProxyHeader(netip.MustParseAddrPort("[2001:db8::7]:1"), netip.MustParseAddrPort("[2001:db8::1]:2")))
	f.Add(proxyHdr(0x20, 0x00, nil))
	f.Fuzz(func(t *testing.T, p []byte) {
		h, err := parseProxyHeader(p)
		if err == nil && !h.Local {
			h2, err := parseProxyHeader(marshalProxyHeader(h.Src, h.Dst))
			if err != nil || h2 != h {
				t.Fatalf("%+v re-encoded decodes as %+v, %v", h, h2, err)
			}
		}
		if len(p) >= frameHeaderLen {
			readProxyHeader(bytes.NewReader(p[frameHeaderLen:]), p[:frameHeaderLen])
		}
	})
}

// dialWithProxyHeader connects to addr from the local address from, sends
// a PROXY v2 header naming client, then HELLO.
func dialWithProxyHeader(t *testing.T, from, addr string, client netip.AddrPort) (*Client, error) {
	t.Helper()
	d := net.Dialer{Timeout: 10 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	conn, err := d.DialContext(t.Context(), "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write(marshalProxyHeader(client, netip.MustParseAddrPort(addr))); err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(t.Context(), conn, "test", time.Now().Add(10*time.Second))
	if err != nil {
		conn.Close()
	}
	return c, err
}

// TestProxyProtocolBackend: a backend believes a PROXY header from a
// trusted proxy, over IPv4 and IPv6, for hosts_allow and its log, and
// refuses the connection of anyone else who sends one.
func TestProxyProtocolBackend(t *testing.T) {
	dir := moduleTree(t)
	ds := newDaemonSet(t, dir, "be", "v6be")
	cfg := `
trusted_proxies = [TRUSTED]
[module.data]
path = "%DIR%/pub"
hosts_allow = ["192.0.2.0/24", "2001:db8::/32"]
`
	be := ds.start("be", strings.ReplaceAll(cfg, "TRUSTED", `"127.0.0.2"`), false)
	v6 := ds.start("v6be", strings.ReplaceAll(cfg, "TRUSTED", `"::1"`), false)
	tests := []struct {
		name, from string
		srv        *testServer
		client     string
		ok         bool
	}{
		{"ipv4 allowed client", "127.0.0.2", be, "192.0.2.7:40000", true},
		{"ipv4 client not allowed", "127.0.0.2", be, "198.51.100.7:40000", false},
		{"ipv6 allowed client", "::1", v6, "[2001:db8::7]:40000", true},
		{"ipv6 client not allowed", "::1", v6, "[2001:db9::7]:40000", false},
	}
	for _, tc := range tests {
		c, err := dialWithProxyHeader(t, tc.from, tc.srv.addr, netip.MustParseAddrPort(tc.client))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, err := commandVia(t, c, OpenOptions{Module: "data", Role: RoleSender}, "read hello.txt")
		if tc.ok && (err != nil || got != "hello from pub") {
			t.Errorf("%s: %q, %v", tc.name, got, err)
		}
		if !tc.ok && !errors.Is(err, ErrAccessDenied) {
			t.Errorf("%s: %v, want access denied", tc.name, err)
		}
	}
	ds.stop("be")
	ds.stop("v6be")
	for _, want := range []string{"client=192.0.2.7", "via_proxy_protocol=true"} {
		if !strings.Contains(be.log.String(), want) {
			t.Errorf("backend log lacks %q:\n%s", want, be.log)
		}
	}
	if !strings.Contains(v6.log.String(), "client=2001:db8::7") {
		t.Errorf("IPv6 backend log lacks the client:\n%s", v6.log)
	}
}

// TestProxyProtocolUntrusted: a PROXY header from a peer not in
// trusted_proxies refuses the connection, with a log line saying why.
func TestProxyProtocolUntrusted(t *testing.T) {
	dir := moduleTree(t)
	ds := newDaemonSet(t, dir, "be")
	be := ds.start("be", `
trusted_proxies = ["127.0.0.2"]
[module.data]
path = "%DIR%/pub"
`, false)
	_, err := dialWithProxyHeader(t, "127.0.0.1", be.addr, netip.MustParseAddrPort("192.0.2.7:40000"))
	if !errors.Is(err, ErrAccessDenied) {
		t.Errorf("PROXY header from an untrusted peer: %v, want access denied", err)
	}
	ds.stop("be")
	if !strings.Contains(be.log.String(), "PROXY header from an untrusted peer refused") {
		t.Errorf("refusal not logged:\n%s", be.log)
	}
}

// TestProxyProtocolGateway: a proxy module with proxy_protocol sends the
// header; the backend admits the client by the address it carries and
// logs it.
func TestProxyProtocolGateway(t *testing.T) {
	dir := moduleTree(t)
	ds := newDaemonSet(t, dir, "gw", "be")
	be := ds.start("be", `
trusted_proxies = ["127.0.0.2"]
[module.data]
path = "%DIR%/pub"
hosts_allow = ["127.0.0.3"]
`, false)
	gw := ds.start("gw", `
[module.m]
proxy = "ferry://%ADDR:be%/data"
proxy_bind = "127.0.0.2"
proxy_protocol = true
`, false)
	for _, tc := range []struct {
		from string
		ok   bool
	}{{"127.0.0.3", true}, {"127.0.0.1", false}} {
		c, err := dialFrom(t, tc.from, gw.addr)
		if err != nil {
			t.Fatal(err)
		}
		got, err := commandVia(t, c, OpenOptions{Module: "m", Role: RoleSender}, "read hello.txt")
		if tc.ok && (err != nil || got != "hello from pub") {
			t.Errorf("client %s: %q, %v", tc.from, got, err)
		}
		if !tc.ok && !errors.Is(err, ErrAccessDenied) {
			t.Errorf("client %s: %v, want access denied by the backend", tc.from, err)
		}
	}
	ds.stop("gw")
	ds.stop("be")
	if !strings.Contains(be.log.String(), "via_proxy_protocol=true") || !strings.Contains(be.log.String(), "client=127.0.0.3") {
		t.Errorf("backend log does not show the PROXY client:\n%s", be.log)
	}
}
