package daemon

import (
	"bytes"
	"crypto/rand"
	"io"
	"net"
	"testing"
	"time"
)

// rawExchange sends in on a fresh connection, half-closes, and returns
// the frames the daemon answers until it closes, and any bytes after them
// that do not form a frame.
func rawExchange(t *testing.T, addr string, in []byte) (frames []frame, junk int) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write(in); err != nil {
		t.Fatal(err)
	}
	conn.(*net.TCPConn).CloseWrite()
	out, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("daemon did not close the connection: %v", err)
	}
	r := bytes.NewReader(out)
	for r.Len() > 0 {
		f, err := readFrame(r, MaxFramePayload)
		if err != nil {
			return frames, r.Len()
		}
		frames = append(frames, f)
	}
	return frames, 0
}

func TestMalformedHandshake(t *testing.T) {
	random := make([]byte, 4096)
	rand.Read(random)
	random[0] = 0x01 // a HELLO type byte, so the length is what is random
	hi := encFrame(msgHello, hello{Version: 1, Software: "t"}.marshal())
	tests := []struct {
		name string
		in   []byte
		code ErrorCode
	}{
		{"random bytes", random, CodeProtocol},
		{"oversized length", []byte{1, 0x7f, 0xff, 0xff, 0xff, 'x'}, CodeProtocol},
		{"http request", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), CodeProtocol},
		{"rsync client", []byte("@RSYNCD: 31.0 sha512 sha256 sha1 md5 md4\n"), CodeProtocol},
		{"truncated hello", hi[:len(hi)-2], CodeProtocol},
		{"list before hello", encFrame(msgList, nil), CodeProtocol},
		{"version 0", encFrame(msgHello, hello{Version: 0}.marshal()), CodeVersion},
		{"hello then auth", script(hi, encFrame(msgAuth, authResponse{User: "alice"}.marshal())), CodeProtocol},
		{"open with bad role", script(hi, encFrame(msgOpen, []byte{0, 3, 'p', 'u', 'b', 7, 0})), CodeProtocol},
		{"module name with ..", script(hi, encFrame(msgOpen, openRequest{Module: "../pub", Role: RoleSender}.marshal())), CodeUnknownModule},
		{"module name absolute", script(hi, encFrame(msgOpen, openRequest{Module: "/etc", Role: RoleSender}.marshal())), CodeUnknownModule},
		{"auth module, garbage answer", script(hi, encFrame(msgOpen, openRequest{Module: "priv", Role: RoleSender}.marshal()), encFrame(msgAuth, []byte{0, 5, 'a'})), CodeProtocol},
	}
	ts, _ := startBase(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			frames, junk := rawExchange(t, ts.addr, tc.in)
			if junk != 0 || len(frames) == 0 {
				t.Fatalf("frames %v and %d bytes of junk, want frames ending in ERROR", frames, junk)
			}
			for _, f := range frames[:len(frames)-1] {
				if f.typ != msgGreeting && f.typ != msgChallenge {
					t.Fatalf("daemon sent %s before the error", f.typ)
				}
			}
			f := frames[len(frames)-1]
			var em errorMsg
			if f.typ != msgError || em.unmarshal(f.payload) != nil || em.Code != tc.code {
				t.Fatalf("got %s %x, want ERROR code %d", f.typ, f.payload, tc.code)
			}
		})
	}
	// The daemon still serves after all that.
	if _, err := command(t, ts.addr, OpenOptions{Module: "pub", Role: RoleSender}, "read hello.txt"); err != nil {
		t.Fatal(err)
	}
}
