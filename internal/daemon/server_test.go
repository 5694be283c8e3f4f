package daemon

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// moduleTree makes a daemon directory: modules pub (listed, read only),
// hidden (unlisted), drop (write only), priv (auth), and a secret file
// outside every module.
func moduleTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "pub", "hello.txt"), "hello from pub", 0o644)
	writeFile(t, filepath.Join(dir, "hidden", "h.txt"), "hidden", 0o644)
	writeFile(t, filepath.Join(dir, "priv", "p.txt"), "private data", 0o644)
	writeFile(t, filepath.Join(dir, "outside.txt"), "TOP SECRET", 0o644)
	writeFile(t, filepath.Join(dir, "secrets"), "alice:s3cret\n", 0o600)
	if err := os.MkdirAll(filepath.Join(dir, "drop"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

const baseConfig = `
name = "testsrv"
motd_file = "%DIR%/motd"
[module.pub]
path = "%DIR%/pub"
comment = "public files"
[module.hidden]
path = "%DIR%/hidden"
list = false
[module.drop]
path = "%DIR%/drop"
write_only = true
uid = 0
[module.priv]
path = "%DIR%/priv"
comment = "private"
read_only = false
uid = 0
auth_users = ["alice"]
secrets_file = "%DIR%/secrets"
`

func startBase(t *testing.T) (*testServer, string) {
	dir := moduleTree(t)
	writeFile(t, filepath.Join(dir, "motd"), "Welcome to testsrv\n", 0o644)
	return startServer(t, dir, baseConfig, nil), dir
}

func TestListModules(t *testing.T) {
	ts, _ := startBase(t)
	c, err := Dial(t.Context(), ts.addr, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Motd() != "Welcome to testsrv\n" || c.ServerName() != "testsrv" {
		t.Errorf("greeting: motd %q name %q", c.Motd(), c.ServerName())
	}
	mods, err := c.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []ModuleInfo{
		{Name: "drop", Flags: FlagWriteOnly},
		{Name: "priv", Comment: "private", Flags: FlagAuth},
		{Name: "pub", Comment: "public files", Flags: FlagReadOnly},
	}
	if len(mods) != len(want) {
		t.Fatalf("modules %+v, want %+v", mods, want)
	}
	for i := range want {
		if mods[i] != want[i] {
			t.Errorf("module %d = %+v, want %+v", i, mods[i], want[i])
		}
	}
}

func TestListHidesDeniedHosts(t *testing.T) {
	dir := moduleTree(t)
	ts := startServer(t, dir, `
[module.pub]
path = "%DIR%/pub"
[module.lan]
path = "%DIR%/pub"
hosts_allow = ["10.0.0.0/8"]
`, nil)
	c, err := Dial(t.Context(), ts.addr, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mods, err := c.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(mods) != 1 || mods[0].Name != "pub" {
		t.Fatalf("modules %+v, want only pub", mods)
	}
}

func TestOpenModule(t *testing.T) {
	ts, dir := startBase(t)
	tests := []struct {
		name    string
		open    OpenOptions
		cmd     string
		want    string // answer prefix
		wantErr error
	}{
		{"pull from read-only", OpenOptions{Module: "pub", Role: RoleSender}, "read hello.txt", "hello from pub", nil},
		{"unlisted module by name", OpenOptions{Module: "hidden", Role: RoleSender}, "read h.txt", "hidden", nil},
		{"push into read-only", OpenOptions{Module: "pub", Role: RoleReceiver}, "", "", ErrModuleMode},
		{"pull from write-only", OpenOptions{Module: "drop", Role: RoleSender}, "", "", ErrModuleMode},
		{"push into write-only", OpenOptions{Module: "drop", Role: RoleReceiver}, "write new.txt data", "ok", nil},
		{"unknown module", OpenOptions{Module: "nope", Role: RoleSender}, "", "", ErrUnknownModule},
		{"auth module without credentials", OpenOptions{Module: "priv", Role: RoleSender}, "", "", ErrNoCredentials},
		{"auth module wrong password", OpenOptions{Module: "priv", Role: RoleSender, User: "alice", Password: "wrong"}, "", "", ErrAuthFailed},
		{"auth module unknown user", OpenOptions{Module: "priv", Role: RoleSender, User: "mallory", Password: "s3cret"}, "", "", ErrAuthFailed},
		{"auth module right password", OpenOptions{Module: "priv", Role: RoleSender, User: "alice", Password: "s3cret"}, "whoami", "uid=", nil},
		{"auth user is passed on", OpenOptions{Module: "priv", Role: RoleReceiver, User: "alice", Password: "s3cret"}, "whoami", "uid=" + strconv.Itoa(os.Geteuid()) + " user=alice role=receiver", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := command(t, ts.addr, tc.open, tc.cmd)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got, tc.want) {
				t.Fatalf("answer %q, want prefix %q", got, tc.want)
			}
		})
	}
	if b, err := os.ReadFile(filepath.Join(dir, "drop", "new.txt")); err != nil || string(b) != "data" {
		t.Errorf("drop/new.txt = %q, %v", b, err)
	}
	logs := ts.log.String()
	for _, want := range []string{"module=pub role=sender user=\"\" bytes_in=15 bytes_out=14", "module=priv role=receiver user=alice bytes_in=", `unknown module \"nope\"`, `auth failed on module \"priv\"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}

func TestHostDenied(t *testing.T) {
	dir := moduleTree(t)
	ts := startServer(t, dir, `
[module.pub]
path = "%DIR%/pub"
hosts_deny = ["127.0.0.0/8", "::1"]
`, nil)
	_, err := command(t, ts.addr, OpenOptions{Module: "pub", Role: RoleSender}, "read hello.txt")
	var re *RemoteError
	if !errors.Is(err, ErrAccessDenied) || !errors.As(err, &re) || !strings.Contains(re.Message, "127.0.0.1") {
		t.Fatalf("err = %v, want access denied naming the address", err)
	}
}

// blockingHandler holds its session until release is closed.
func blockingHandler(started chan<- struct{}, release <-chan struct{}) Handler {
	return func(ctx context.Context, conn net.Conn, s *Session) error {
		started <- struct{}{}
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	}
}

func TestConnectionLimits(t *testing.T) {
	tests := []struct {
		name   string
		config string
		second string // module of the refused connection
		want   string
	}{
		{"global", "max_connections = 1\n[module.a]\npath = \"%DIR%\"\n[module.b]\npath = \"%DIR%\"\n", "b", "max connections (1) reached -- try again later"},
		{"per module", "[module.a]\npath = \"%DIR%\"\nmax_connections = 1\n[module.b]\npath = \"%DIR%\"\n", "a", `max connections (1) reached for module "a" -- try again later`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			started, release := make(chan struct{}, 4), make(chan struct{})
			defer close(release)
			ts := startServer(t, t.TempDir(), tc.config, blockingHandler(started, release))
			c1, err := Dial(t.Context(), ts.addr, DialOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer c1.Close()
			if _, _, err := c1.Open(t.Context(), OpenOptions{Module: "a", Role: RoleSender}); err != nil {
				t.Fatal(err)
			}
			<-started
			c2, err := Dial(t.Context(), ts.addr, DialOptions{})
			if err == nil {
				_, _, err = c2.Open(t.Context(), OpenOptions{Module: tc.second, Role: RoleSender})
			}
			var re *RemoteError
			if !errors.Is(err, ErrTooMany) || !errors.As(err, &re) || re.Message != tc.want {
				t.Fatalf("second connection: %v, want %q", err, tc.want)
			}
		})
	}
}

func TestHandshakeTimeout(t *testing.T) {
	ts := startServer(t, t.TempDir(), "handshake_timeout = \"200ms\"\n", nil)
	conn, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	// Say nothing: the daemon must give up, tell us, and close.
	f, err := readFrame(conn, MaxFramePayload)
	if err != nil {
		t.Fatalf("want an ERROR frame, got %v", err)
	}
	var em errorMsg
	if f.typ != msgError || em.unmarshal(f.payload) != nil || em.Code != CodeTimeout {
		t.Fatalf("got %s %+v, want ERROR timeout", f.typ, em)
	}
	if _, err := readFrame(conn, MaxFramePayload); err == nil {
		t.Fatal("connection still open after the timeout error")
	}
}

func TestSessionIdleTimeout(t *testing.T) {
	ts := startServer(t, t.TempDir(), "[module.a]\npath = \"%DIR%\"\ntimeout = \"200ms\"\n", nil)
	c, err := Dial(t.Context(), ts.addr, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	conn, _, err := c.Open(t.Context(), OpenOptions{Module: "a", Role: RoleSender})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	// lineHandler waits for a command; a silent client is dropped.
	buf := make([]byte, 1)
	if _, err := conn.Read(buf); err == nil {
		t.Fatal("read data from a session that should have timed out")
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the daemon did not drop the silent client within 10s")
	}
}

// TestRefuseCompress checks that a module's refuse_compress reaches the
// session Handler (which then does not offer zstd: session.Config).
func TestRefuseCompress(t *testing.T) {
	got := make(chan bool, 2)
	h := func(ctx context.Context, conn net.Conn, s *Session) error {
		got <- s.RefuseCompress
		return nil
	}
	ts := startServer(t, t.TempDir(), "[module.z]\npath = \"%DIR%\"\nrefuse_compress = true\n[module.plain]\npath = \"%DIR%\"\n", h)
	for _, tc := range []struct {
		module string
		want   bool
	}{{"z", true}, {"plain", false}} {
		c, err := Dial(t.Context(), ts.addr, DialOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.Open(t.Context(), OpenOptions{Module: tc.module, Role: RoleSender}); err != nil {
			t.Fatal(err)
		}
		if v := <-got; v != tc.want {
			t.Errorf("module %s: RefuseCompress %v, want %v", tc.module, v, tc.want)
		}
		c.Close()
	}
}
