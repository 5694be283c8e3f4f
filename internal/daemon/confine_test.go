package daemon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/session"
	"github.com/ferrysync/ferry/internal/wire"
)

const secret = "TOP SECRET outside the module"

// confineTree makes dir/mod (the module) and dir/outside, with links from
// inside the module to outside.
func confineTree(t *testing.T) (dir string) {
	t.Helper()
	dir = t.TempDir()
	writeFile(t, filepath.Join(dir, "mod", "a.txt"), "module file a", 0o644)
	writeFile(t, filepath.Join(dir, "mod", "sub", "b.txt"), "module file b", 0o644)
	writeFile(t, filepath.Join(dir, "outside", "secret.txt"), secret, 0o644)
	writeFile(t, filepath.Join(dir, "secrets"), "alice:s3cret\n", 0o600)
	for name, target := range map[string]string{
		"link_out":     filepath.Join(dir, "outside"),
		"rel_link_out": "../outside",
		"file_link":    filepath.Join(dir, "outside", "secret.txt"),
	} {
		if err := os.Symlink(target, filepath.Join(dir, "mod", name)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const confineConfig = `
name = "confine"
[module.rw]
path = "%DIR%/mod"
read_only = false
uid = 0
auth_users = ["alice"]
secrets_file = "%DIR%/secrets"
`

// snapshot records every name, mode, link count and content under dir.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		b.WriteString(p + " " + fi.Mode().String())
		if fi.Mode().IsRegular() {
			data, _ := os.ReadFile(p)
			b.WriteString(" " + string(data))
		}
		b.WriteString("\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// rawOpen is a hand-written daemon client: frames built by hand, the MAC
// computed with ClientMAC, no use of Client.
func rawOpen(t *testing.T, addr, module string, role Role, user, pw string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(writeFrame(conn, msgHello, []byte("FERRYD\x00\x01\x00\x03raw")))
	f, err := readFrame(conn, MaxFramePayload)
	must(err)
	var g greeting
	must(g.unmarshal(f.payload))
	must(writeFrame(conn, msgOpen, append(append([]byte{0, byte(len(module))}, module...), byte(role), 0)))
	f, err = readFrame(conn, MaxFramePayload)
	must(err)
	if f.typ != msgChallenge {
		t.Fatalf("got %s, want CHALLENGE", f.typ)
	}
	var nonce [32]byte
	copy(nonce[:], f.payload)
	mac, err := ClientMAC(nonce, g.Name, module, user, pw)
	must(err)
	must(writeFrame(conn, msgAuth, append(append([]byte{0, byte(len(user))}, user...), mac[:]...)))
	f, err = readFrame(conn, MaxFramePayload)
	must(err)
	if f.typ != msgReady {
		t.Fatalf("got %s %q, want READY", f.typ, f.payload)
	}
	conn.SetDeadline(time.Time{})
	return conn
}

// rawRun speaks the sync protocol by hand: Hello, then Run with the given
// server role and paths, then optional further messages; it returns
// everything the daemon sent until it closed.
func rawRun(t *testing.T, conn net.Conn, role wire.Role, paths []string, flags uint64, more ...wire.Message) []byte {
	t.Helper()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	var got bytes.Buffer
	done := make(chan struct{})
	go func() {
		io.Copy(&got, conn)
		close(done)
	}()
	fw := wire.NewFrameWriter(conn)
	if err := wire.WriteHello(fw, &wire.Hello{MinVersion: wire.Version, MaxVersion: wire.Version, Software: "raw",
		Caps: []string{session.CapBLAKE3, session.CapDeltaXXH3, session.CapHardLinks}}); err != nil {
		t.Fatal(err)
	}
	msgs := append([]wire.Message{&wire.Run{Role: role, Paths: paths, Flags: flags}}, more...)
	for _, m := range msgs {
		if err := fw.WriteMsg(m); err != nil {
			t.Fatal(err)
		}
	}
	fw.Flush()
	conn.(*net.TCPConn).CloseWrite()
	<-done
	return got.Bytes()
}

// fatalOf decodes the daemon's session stream and returns its Fatal
// message, if any, and the types of the other messages it sent.
func fatalOf(t *testing.T, b []byte) (*wire.Fatal, []string) {
	t.Helper()
	fr := wire.NewFrameReader(bytes.NewReader(b))
	if _, err := wire.ReadHello(fr); err != nil {
		t.Fatalf("session hello: %v", err)
	}
	var others []string
	for {
		m, err := fr.ReadMsg()
		if err != nil {
			return nil, others
		}
		switch m := m.(type) {
		case *wire.Fatal:
			return m, others
		case *wire.Idle, *wire.Keepalive: // the link's own, nothing of the module
			continue
		}
		others = append(others, fmt.Sprintf("%T", m))
	}
}

func TestConfinementHandCrafted(t *testing.T) {
	dir := confineTree(t)
	ts := startServer(t, dir, confineConfig, SessionHandler())
	before := snapshot(t, filepath.Join(dir, "outside"))
	rec := uint64(wire.FlagRecursive | wire.FlagLinks | wire.FlagHardLinks)
	tests := []struct {
		name  string
		role  wire.Role
		paths []string
	}{
		{"pull dotdot", wire.RoleSender, []string{"../outside/secret.txt"}},
		{"pull dotdot dir", wire.RoleSender, []string{"sub/../../outside/"}},
		{"pull absolute", wire.RoleSender, []string{"/etc/passwd"}},
		{"pull absolute outside", wire.RoleSender, []string{filepath.Join(dir, "outside") + "/"}},
		{"pull through link", wire.RoleSender, []string{"link_out/secret.txt"}},
		{"pull link contents", wire.RoleSender, []string{"link_out/"}},
		{"pull relative link contents", wire.RoleSender, []string{"rel_link_out/"}},
		{"pull NUL", wire.RoleSender, []string{"a.txt\x00/../../outside"}},
		{"push dotdot", wire.RoleReceiver, []string{"../outside/"}},
		{"push absolute", wire.RoleReceiver, []string{filepath.Join(dir, "outside") + "/"}},
		{"push through link", wire.RoleReceiver, []string{"link_out/"}},
		{"push into link dir", wire.RoleReceiver, []string{"link_out/new/"}},
		{"push onto file link", wire.RoleReceiver, []string{"file_link"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			conn := rawOpen(t, ts.addr, "rw", Role(tc.role), "alice", "s3cret")
			out := rawRun(t, conn, tc.role, tc.paths, rec,
				&wire.PassBegin{Pass: 0},
				&wire.Entries{Entries: []wire.Entry{{Path: "x.txt", Type: 1, Mode: 0o644, Size: 0}}},
				&wire.EntriesEnd{Pass: 0})
			if bytes.Contains(out, []byte(secret)) {
				t.Fatalf("daemon disclosed outside data: %q", out)
			}
			f, sent := fatalOf(t, out)
			if len(sent) > 0 {
				t.Errorf("daemon sent %v before refusing", sent)
			}
			if f == nil || !strings.Contains(f.Message, "outside the module") {
				t.Fatalf("fatal = %+v, want a refusal naming the module confinement", f)
			}
		})
	}
	if after := snapshot(t, filepath.Join(dir, "outside")); after != before {
		t.Fatalf("outside changed:\nbefore %s\nafter  %s", before, after)
	}
}

// TestConfinementHardLinkOut pushes an entry that claims to be a hard link
// to a file outside the module.
func TestConfinementHardLinkOut(t *testing.T) {
	dir := confineTree(t)
	ts := startServer(t, dir, confineConfig, SessionHandler())
	before := snapshot(t, filepath.Join(dir, "outside"))
	for _, target := range []string{"../outside/secret.txt", filepath.Join(dir, "outside", "secret.txt"), "link_out/secret.txt"} {
		t.Run(target, func(t *testing.T) {
			conn := rawOpen(t, ts.addr, "rw", RoleReceiver, "alice", "s3cret")
			rawRun(t, conn, wire.RoleReceiver, []string{"dst/"}, uint64(wire.FlagRecursive|wire.FlagHardLinks|wire.FlagMkPath),
				&wire.PassBegin{Pass: 0},
				&wire.Entries{Entries: []wire.Entry{
					{Path: "a.txt", Type: 1, Mode: 0o644},
					{Path: "evil", Type: 1, Mode: 0o644, HardLink: target},
				}},
				&wire.EntriesEnd{Pass: 0},
				&wire.Goodbye{})
			if fi, err := os.Stat(filepath.Join(dir, "mod", "dst", "evil")); err == nil {
				if data, _ := os.ReadFile(filepath.Join(dir, "mod", "dst", "evil")); string(data) == secret {
					t.Fatalf("evil is linked to the outside file (mode %v)", fi.Mode())
				}
			}
		})
	}
	if after := snapshot(t, filepath.Join(dir, "outside")); after != before {
		t.Fatalf("outside changed:\nbefore %s\nafter  %s", before, after)
	}
}

// TestAuthBeforeContent skips AUTH and starts the sync protocol at once:
// the daemon must refuse without sending anything about the module.
func TestAuthBeforeContent(t *testing.T) {
	dir := confineTree(t)
	ts := startServer(t, dir, confineConfig, SessionHandler())
	hi := encFrame(msgHello, hello{Version: 1}.marshal())
	op := encFrame(msgOpen, openRequest{Module: "rw", Role: RoleSender}.marshal())
	run := append([]byte(wire.Magic), wire.Marshal(&wire.Run{Role: wire.RoleSender, Paths: []string{""}})...)
	frames, junk := rawExchange(t, ts.addr, script(hi, op, run))
	if junk != 0 || len(frames) != 3 || frames[0].typ != msgGreeting || frames[1].typ != msgChallenge || frames[2].typ != msgError {
		t.Fatalf("frames %v (+%d bytes), want GREETING CHALLENGE ERROR", frames, junk)
	}
	for _, f := range frames {
		if bytes.Contains(f.payload, []byte("a.txt")) || bytes.Contains(f.payload, []byte("module file")) {
			t.Fatalf("module content leaked before auth: %q", f.payload)
		}
	}
}

// TestSessionPullPush runs the real session client through the daemon.
func TestSessionPullPush(t *testing.T) {
	dir := confineTree(t)
	ts := startServer(t, dir, confineConfig, SessionHandler())
	ctx := t.Context()
	run := func(role Role, local, remote string) error {
		c, err := Dial(ctx, ts.addr, DialOptions{})
		if err != nil {
			return err
		}
		conn, _, err := c.Open(ctx, OpenOptions{Module: "rw", Role: role, User: "alice", Password: "s3cret"})
		if err != nil {
			return err
		}
		clientRole := wire.RoleReceiver
		if role == RoleReceiver {
			clientRole = wire.RoleSender
		}
		cl, err := session.Dial(ctx, conn, session.Request{Role: clientRole, Local: []string{local}, Remote: []string{remote},
			Config: session.Config{Recursive: true, Links: true, Times: true, Perms: true}})
		if err != nil {
			return err
		}
		if _, err := cl.Pass(ctx, nil); err != nil {
			cl.Close(context.Background())
			return err
		}
		err = cl.Close(ctx)
		if errors.Is(err, io.EOF) {
			// session's awaitCtl may pick the closed connection over a
			// queued Goodbye (a race in internal/session, reported).
			err = nil
		}
		return err
	}
	local := t.TempDir()
	if err := run(RoleSender, local+"/", "sub/"); err != nil {
		t.Fatalf("pull: %v\n%s", err, ts.log.String())
	}
	if b, err := os.ReadFile(filepath.Join(local, "b.txt")); err != nil || string(b) != "module file b" {
		t.Fatalf("pulled b.txt = %q, %v", b, err)
	}
	writeFile(t, filepath.Join(local, "pushed.txt"), "pushed", 0o644)
	if err := run(RoleReceiver, local+"/", "in/"); err != nil {
		t.Fatalf("push: %v\n%s", err, ts.log.String())
	}
	if b, err := os.ReadFile(filepath.Join(dir, "mod", "in", "pushed.txt")); err != nil || string(b) != "pushed" {
		t.Fatalf("pushed file = %q, %v", b, err)
	}
	err := run(RoleSender, t.TempDir()+"/", "link_out/")
	if !errors.Is(err, ErrOutside) && (err == nil || !strings.Contains(err.Error(), "outside the module")) {
		t.Fatalf("pull through link: %v, want refusal", err)
	}
}
