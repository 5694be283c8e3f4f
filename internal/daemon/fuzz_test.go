package daemon

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// FuzzDecode feeds arbitrary bytes to the frame reader and to every
// daemon-phase decoder; none may panic, and whatever decodes must encode
// back to the same bytes.
func FuzzDecode(f *testing.F) {
	for typ, m := range sampleMessages() {
		f.Add(uint8(typ), m.marshal())
	}
	f.Add(uint8(msgHello), []byte("GET / HTTP/1.0\r\n\r\n"))
	f.Fuzz(func(t *testing.T, typ uint8, p []byte) {
		readFrame(bytes.NewReader(p), MaxFramePayload)
		m, err := decodeMessage(msgType(typ), p)
		if err != nil {
			return
		}
		if got := m.marshal(); !bytes.Equal(got, p) {
			t.Fatalf("%s: re-encoded %x, input %x", msgType(typ), got, p)
		}
	})
}

// scriptConn is a net.Conn that reads a fixed script and records writes.
type scriptConn struct {
	r   io.Reader
	out bytes.Buffer
}

func (c *scriptConn) Read(p []byte) (int, error)  { return c.r.Read(p) }
func (c *scriptConn) Write(p []byte) (int, error) { return c.out.Write(p) }
func (c *scriptConn) Close() error                { return nil }
func (c *scriptConn) LocalAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8873}
}
func (c *scriptConn) RemoteAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
}
func (c *scriptConn) SetDeadline(t time.Time) error      { return nil }
func (c *scriptConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *scriptConn) SetWriteDeadline(t time.Time) error { return nil }

// script concatenates frames.
func script(frames ...[]byte) []byte { return bytes.Join(frames, nil) }

func encFrame(typ msgType, p []byte) []byte {
	var b bytes.Buffer
	writeFrame(&b, typ, p)
	return b.Bytes()
}

// FuzzServerHandshake runs the server's daemon phase on arbitrary client
// bytes. It must never panic, must answer only with well-formed frames,
// must stop after an ERROR, and must never start a session of the auth
// module (no fuzzer finds a valid MAC).
func FuzzServerHandshake(f *testing.F) {
	hi := encFrame(msgHello, hello{Version: 1, Software: "fuzz"}.marshal())
	f.Add(script(hi, encFrame(msgList, nil)))
	f.Add(script(hi, encFrame(msgOpen, openRequest{Module: "pub", Role: RoleSender}.marshal())))
	f.Add(script(hi, encFrame(msgOpen, openRequest{Module: "priv", Role: RoleSender}.marshal()),
		encFrame(msgAuth, authResponse{User: "alice"}.marshal())))
	f.Add(script(hi, encFrame(msgOpen, openRequest{Module: "../etc", Role: RoleReceiver}.marshal())))
	hi2 := encFrame(msgHello, hello{Version: 2, Software: "fuzz"}.marshal())
	f.Add(script(hi2, encFrame(msgForward, forwardMsg{Client: "10.0.0.1", Via: "gw", ViaModule: "m"}.marshal()),
		encFrame(msgOpen, openRequest{Module: "priv", Role: RoleSender, Version: 2, Caps: []string{CapRedirect}}.marshal()),
		encFrame(msgAuth, authResponse{User: "alice"}.marshal())))
	f.Add(script(hi2, encFrame(msgOpen, openRequest{Module: "moved", Role: RoleSender, Version: 2, Caps: []string{CapRedirect}}.marshal())))
	f.Add(script(hi2, encFrame(msgQuery, queryMsg{Module: "pub", Hops: 1}.marshal())))
	f.Add(script(hi2, encFrame(msgList, []byte{1})))
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte("@RSYNCD: 31.0\n"))

	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "secrets"), []byte("alice:pw\n"), 0o600); err != nil {
		f.Fatal(err)
	}
	cfg, err := ParseConfig([]byte(`
name = "fuzz"
trusted_proxies = ["127.0.0.1"]
[module.moved]
redirect = "ferrys://elsewhere:9000/pub"
[module.pub]
path = "`+dir+`"
[module.priv]
path = "`+dir+`"
auth_users = ["alice"]
secrets_file = "`+filepath.Join(dir, "secrets")+`"
`), "")
	if err != nil {
		f.Fatal(err)
	}
	var privSessions atomic.Int64
	srv, err := NewServer(cfg, Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Handler: func(ctx context.Context, conn net.Conn, s *Session) error {
			if s.Module == "priv" {
				privSessions.Add(1)
			}
			return nil
		},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		c := &scriptConn{r: bytes.NewReader(in)}
		srv.ServeConn(t.Context(), c)
		out := bytes.NewReader(c.out.Bytes())
		for out.Len() > 0 {
			fr, err := readFrame(out, MaxFramePayload)
			if err != nil {
				t.Fatalf("server wrote a malformed frame: %v", err)
			}
			if _, err := decodeMessage(fr.typ, fr.payload); err != nil {
				t.Fatalf("server wrote a malformed %s: %v", fr.typ, err)
			}
			if fr.typ == msgError && out.Len() > 0 {
				t.Fatalf("server wrote %d bytes after ERROR", out.Len())
			}
		}
		if n := privSessions.Load(); n != 0 {
			t.Fatalf("%d sessions of the auth module started without authentication", n)
		}
	})
}
