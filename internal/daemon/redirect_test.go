package daemon

import (
	"bytes"
	"errors"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestRedirect: a redirect module answers a client that follows
// redirects with REDIRECT, one that does not (version 1) with an ERROR
// naming the new address, and refuses a request that went through too
// many daemons already.
func TestRedirect(t *testing.T) {
	dir := moduleTree(t)
	ds := newDaemonSet(t, dir, "gw")
	gw := ds.start("gw", `
[module.old]
path = "%DIR%/pub"
[module.moved]
redirect = "ferrys://files.example:9000/new"
comment = "moved away"
`, false)
	_, err := command(t, gw.addr, OpenOptions{Module: "moved", Role: RoleSender}, "read hello.txt")
	var re *RedirectError
	if !errors.As(err, &re) || re.URL != "ferrys://files.example:9000/new" || re.Target.Module != "new" || !re.Target.TLS || re.Target.Port != 9000 {
		t.Fatalf("open of a redirect module: %v, want a RedirectError", err)
	}
	if !strings.Contains(gw.log.String(), "msg=redirect") {
		t.Errorf("redirect not logged:\n%s", gw.log)
	}
	_, err = command(t, gw.addr, OpenOptions{Module: "moved", Role: RoleSender, Hops: MaxHops}, "read hello.txt")
	if !errors.Is(err, ErrLoop) {
		t.Errorf("redirect after %d hops: %v, want ErrLoop", MaxHops, err)
	}

	// A version 1 client cannot follow: ERROR with the address.
	conn, err := net.Dial("tcp", gw.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	writeFrame(conn, msgHello, hello{Version: 1, Software: "old"}.marshal())
	f, err := readFrame(conn, MaxFramePayload)
	if err != nil || f.typ != msgGreeting {
		t.Fatalf("greeting: %v %v", f.typ, err)
	}
	var g greeting
	if err := g.unmarshal(f.payload); err != nil || g.Version != 1 || g.Caps != nil {
		t.Fatalf("greeting to a version 1 client: %+v, %v", g, err)
	}
	writeFrame(conn, msgOpen, openRequest{Module: "moved", Role: RoleSender}.marshal())
	f, err = readFrame(conn, MaxFramePayload)
	var em errorMsg
	if err != nil || f.typ != msgError || em.unmarshal(f.payload) != nil || em.Code != CodeMoved ||
		!strings.Contains(em.Message, "ferrys://files.example:9000/new") {
		t.Fatalf("version 1 client: %s %+v %v, want ERROR %d naming the address", f.typ, em, err, CodeMoved)
	}
}

// TestProxyLoop: two gateways proxying a module to each other stop at
// MaxHops with a clear error instead of connecting forever.
func TestProxyLoop(t *testing.T) {
	dir := moduleTree(t)
	ds := newDaemonSet(t, dir, "a", "b")
	a := ds.start("a", `
max_connections_per_host = 0
[module.m]
proxy = "ferry://%ADDR:b%/m"
`, false)
	ds.start("b", `
max_connections_per_host = 0
[module.m]
proxy = "ferry://%ADDR:a%/m"
`, false)
	_, err := command(t, a.addr, OpenOptions{Module: "m", Role: RoleSender}, "read hello.txt")
	var re *RemoteError
	if !errors.As(err, &re) || !errors.Is(err, ErrLoop) || !strings.Contains(re.Message, "loop") {
		t.Fatalf("proxy loop: %v, want ErrLoop", err)
	}
}

// TestGatewayMessagesMalformed: REDIRECT, FORWARD, QUERY and ANSWER decoders reject
// what a hostile peer may send.
func TestGatewayMessagesMalformed(t *testing.T) {
	long := strings.Repeat("x", maxURLLen+1)
	tests := []struct {
		name string
		typ  msgType
		p    []byte
		want string
	}{
		{"redirect empty", msgRedirect, nil, "need 2 bytes"},
		{"redirect not a URL", msgRedirect, redirectMsg{URL: "http://x/y"}.marshal(), "want ferry://"},
		{"redirect no module", msgRedirect, redirectMsg{URL: "ferry://host/"}.marshal(), "no module"},
		{"redirect with path", msgRedirect, redirectMsg{URL: "ferry://host/m/etc"}.marshal(), "path"},
		{"redirect with user", msgRedirect, redirectMsg{URL: "ferry://root@host/m"}.marshal(), "user"},
		{"redirect bad module", msgRedirect, redirectMsg{URL: "ferry://host/.."}.marshal(), "bad module name"},
		{"redirect too long", msgRedirect, redirectMsg{URL: long}.marshal(), "max 1024"},
		{"redirect trailing", msgRedirect, append(redirectMsg{URL: "ferry://h/m"}.marshal(), 0), "trailing"},
		{"forward short", msgForward, []byte{0, 9, '1'}, "need 9 bytes"},
		{"forward trailing", msgForward, append(forwardMsg{Client: "::1"}.marshal(), 1), "trailing"},
		{"query no hops", msgQuery, []byte{0, 1, 'm'}, "need 1 bytes"},
		{"query bad utf8", msgQuery, []byte{0, 1, 0xff, 0}, "UTF-8"},
		{"answer have 2", msgAnswer, []byte{2, 0, 0, 0}, "have = 2"},
		{"answer no with comment", msgAnswer, []byte{0, 0, 0, 1, 'x'}, "negative answer"},
		{"answer short", msgAnswer, []byte{1}, "need 1 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeMessage(tc.typ, tc.p)
			if !errors.Is(err, ErrProtocol) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrProtocol with %q", err, tc.want)
			}
		})
	}
	var e encoder
	e.str("m")
	e.u8(1)
	e.u8(0)
	e.u16(maxCaps + 1)
	o := openRequest{Version: 2}
	if err := o.unmarshal(e.buf); !errors.Is(err, ErrProtocol) {
		t.Errorf("OPEN with %d capabilities: %v", maxCaps+1, err)
	}
}

// FuzzDecodeV2 feeds arbitrary bytes to the version 2 OPEN decoder (its
// capability list); whatever decodes must encode back to the same bytes.
func FuzzDecodeV2(f *testing.F) {
	f.Add(openRequest{Module: "data", Role: RoleSender, Hops: 3, Version: 2, Caps: []string{CapRedirect, "future"}}.marshal())
	f.Add(greeting{Version: 2, Name: "gw", Caps: []string{CapForward}}.marshal())
	f.Fuzz(func(t *testing.T, p []byte) {
		o := openRequest{Version: 2}
		if o.unmarshal(p) == nil {
			if got := o.marshal(); !bytes.Equal(got, p) {
				t.Fatalf("OPEN re-encoded %x, input %x", got, p)
			}
		}
		var g greeting
		if g.unmarshal(p) == nil {
			var g2 greeting
			if err := g2.unmarshal(g.marshal()); err != nil || !reflect.DeepEqual(g, g2) {
				t.Fatalf("GREETING %+v does not round-trip: %+v %v", g, g2, err)
			}
		}
	})
}
