package daemon

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const backendConfig = `
name = "backend"
%EXTRA%
[module.data]
path = "%DIR%/pub"
comment = "the backend's data"
read_only = false
uid = 0
[module.priv]
path = "%DIR%/priv"
auth_users = ["alice"]
secrets_file = "%DIR%/secrets"
`

func backendCfg(extra string) string { return strings.ReplaceAll(backendConfig, "%EXTRA%", extra) }

// TestProxy: a gateway module with another name proxies to a backend
// module on another port; the session's bytes pass both ways, the
// gateway logs the backend used, and a push works too.
func TestProxy(t *testing.T) {
	dir := moduleTree(t)
	ds := newDaemonSet(t, dir, "gw", "be")
	ds.start("be", backendCfg(""), false)
	gw := ds.start("gw", `
name = "gateway"
[module.mirror]
proxy = "ferry://%ADDR:be%/data"
comment = "via the gateway"
`, false)
	got, err := command(t, gw.addr, OpenOptions{Module: "mirror", Role: RoleSender}, "read hello.txt")
	if err != nil || got != "hello from pub" {
		t.Fatalf("pull through the gateway = %q, %v", got, err)
	}
	got, err = command(t, gw.addr, OpenOptions{Module: "mirror", Role: RoleReceiver}, "write new.txt pushed")
	if err != nil || got != "ok\n" {
		t.Fatalf("push through the gateway = %q, %v", got, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "pub", "new.txt")); err != nil || string(b) != "pushed" {
		t.Fatalf("pushed file = %q, %v", b, err)
	}
	_, err = command(t, gw.addr, OpenOptions{Module: "data", Role: RoleSender}, "read hello.txt")
	if !errors.Is(err, ErrUnknownModule) {
		t.Errorf("the backend's own name at the gateway: %v, want unknown module", err)
	}
	ds.stop("gw")
	if !strings.Contains(gw.log.String(), "msg=proxy") || !strings.Contains(gw.log.String(), "backend=ferry://"+ds.addrs["be"]+"/data") {
		t.Errorf("gateway log has no proxy line naming the backend:\n%s", gw.log)
	}
}

// TestProxyTLS: TLS on either leg and on both.
func TestProxyTLS(t *testing.T) {
	dir := moduleTree(t)
	_, _, der := selfSigned(t, dir)
	fp := Fingerprint(der)
	tlsKeys := "tls_cert = \"cert.pem\"\ntls_key = \"key.pem\"\n"
	for _, tc := range []struct {
		name             string
		clientTLS, beTLS bool
	}{{"client leg", true, false}, {"backend leg", false, true}, {"both legs", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			ds := newDaemonSet(t, dir, "gw", "be")
			ds.start("be", backendCfg(tlsKeys), tc.beTLS)
			scheme, pin := "ferry", ""
			if tc.beTLS {
				scheme, pin = "ferrys", fmt.Sprintf("tls_fingerprint = %q", fp)
			}
			gw := ds.start("gw", tlsKeys+fmt.Sprintf(`
[module.m]
proxy = "%s://%%ADDR:be%%/data"
%s
`, scheme, pin), tc.clientTLS)
			c, err := Dial(t.Context(), gw.addr, DialOptions{TLS: tc.clientTLS, Fingerprint: fp, Timeout: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			got, err := commandVia(t, c, OpenOptions{Module: "m", Role: RoleSender}, "read hello.txt")
			if err != nil || got != "hello from pub" {
				t.Fatalf("pull = %q, %v", got, err)
			}
		})
	}
	t.Run("wrong pin", func(t *testing.T) {
		ds := newDaemonSet(t, dir, "gw", "be")
		ds.start("be", backendCfg(tlsKeys), true)
		gw := ds.start("gw", `
[module.m]
proxy = "ferrys://%ADDR:be%/data"
tls_fingerprint = "sha256:`+strings.Repeat("ab", 32)+`"
`, false)
		_, err := command(t, gw.addr, OpenOptions{Module: "m", Role: RoleSender}, "read hello.txt")
		if !errors.Is(err, ErrUnavailable) {
			t.Fatalf("backend with the wrong certificate: %v, want ErrUnavailable", err)
		}
	})
}

// TestProxyAuthEndToEnd: the backend challenges, the client answers
// through the gateway; a wrong password is refused by the backend, and
// the gateway's log holds no secret.
func TestProxyAuthEndToEnd(t *testing.T) {
	dir := moduleTree(t)
	ds := newDaemonSet(t, dir, "gw", "be", "untrusting")
	be := ds.start("be", backendCfg(`trusted_proxies = ["127.0.0.1"]`), false)
	ds.start("untrusting", backendCfg(""), false)
	gw := ds.start("gw", `
name = "gateway"
[module.vault]
proxy = "ferry://%ADDR:be%/priv"
[module.vault2]
proxy = "ferry://%ADDR:untrusting%/priv"
`, false)
	got, err := command(t, gw.addr, OpenOptions{Module: "vault", Role: RoleSender, User: "alice", Password: "s3cret"}, "whoami")
	if err != nil || !strings.Contains(got, "user=alice") {
		t.Fatalf("authenticated pull through the gateway = %q, %v", got, err)
	}
	_, err = command(t, gw.addr, OpenOptions{Module: "vault", Role: RoleSender, User: "alice", Password: "wrong"}, "whoami")
	if !errors.Is(err, ErrAuthFailed) {
		t.Fatalf("wrong password through the gateway: %v, want ErrAuthFailed", err)
	}
	if !strings.Contains(be.log.String(), `msg="login failed"`) {
		t.Errorf("the backend did not judge the login:\n%s", be.log)
	}
	_, err = command(t, gw.addr, OpenOptions{Module: "vault2", Role: RoleSender, User: "alice", Password: "s3cret"}, "whoami")
	if !errors.Is(err, ErrAuthFailed) {
		t.Fatalf("a backend that does not trust the gateway accepted an answer bound to the gateway: %v", err)
	}
	if strings.Contains(gw.log.String(), "s3cret") {
		t.Errorf("the gateway logged the password:\n%s", gw.log)
	}
}

// TestProxyBackendOnlyFromGateway: a backend whose hosts_allow admits
// only the address the gateway dials from (proxy_bind) refuses direct
// clients and serves the gateway's.
func TestProxyBackendOnlyFromGateway(t *testing.T) {
	dir := moduleTree(t)
	ds := newDaemonSet(t, dir, "gw", "be")
	be := ds.start("be", `
[module.data]
path = "%DIR%/pub"
hosts_allow = ["127.0.0.2"]
`, false)
	gw := ds.start("gw", `
[module.m]
proxy = "ferry://%ADDR:be%/data"
proxy_bind = "127.0.0.2"
`, false)
	if _, err := command(t, be.addr, OpenOptions{Module: "data", Role: RoleSender}, "read hello.txt"); !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("direct client: %v, want access denied", err)
	}
	got, err := command(t, gw.addr, OpenOptions{Module: "m", Role: RoleSender}, "read hello.txt")
	if err != nil || got != "hello from pub" {
		t.Fatalf("through the gateway = %q, %v", got, err)
	}
}

// TestProxyForwardedAddress: a backend that trusts the gateway judges and
// logs the client's own address; FORWARD from an untrusted peer is
// ignored.
func TestProxyForwardedAddress(t *testing.T) {
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
`, false)
	tests := []struct {
		from string
		ok   bool
	}{{"127.0.0.3", true}, {"127.0.0.1", false}}
	for _, tc := range tests {
		c, err := dialFrom(t, tc.from, gw.addr)
		if err != nil {
			t.Fatal(err)
		}
		got, err := commandVia(t, c, OpenOptions{Module: "m", Role: RoleSender}, "read hello.txt")
		if tc.ok && (err != nil || got != "hello from pub") {
			t.Errorf("client %s through the gateway = %q, %v", tc.from, got, err)
		}
		if !tc.ok && !errors.Is(err, ErrAccessDenied) {
			t.Errorf("client %s through the gateway: %v, want access denied by the backend", tc.from, err)
		}
	}
	ds.stop("gw")
	if !strings.Contains(be.log.String(), "client=127.0.0.3") {
		t.Errorf("backend log does not name the forwarded client:\n%s", be.log)
	}
	// A client claiming another address itself is not believed.
	c, err := dialFrom(t, "127.0.0.1", be.addr)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeFrame(c.conn, msgForward, forwardMsg{Client: "127.0.0.3", Via: "x", ViaModule: "m"}.marshal()); err != nil {
		t.Fatal(err)
	}
	if _, err := commandVia(t, c, OpenOptions{Module: "data", Role: RoleSender}, "read hello.txt"); !errors.Is(err, ErrAccessDenied) {
		t.Errorf("untrusted FORWARD: %v, want access denied", err)
	}
	if !strings.Contains(be.log.String(), "untrusted peer ignored") {
		t.Errorf("untrusted FORWARD not logged:\n%s", be.log)
	}
}

// TestProxyFailover: with the first backend down, the second serves, and
// the dead one is tried last afterwards (one failed dial, not one per
// client).
func TestProxyFailover(t *testing.T) {
	dir := moduleTree(t)
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	dead.Close()
	ds := newDaemonSet(t, dir, "gw", "be")
	ds.start("be", backendCfg(""), false)
	gw := ds.start("gw", `
[module.m]
proxy = ["ferry://`+deadAddr+`/data", "ferry://%ADDR:be%/data"]
[module.down]
proxy = "ferry://`+deadAddr+`/data"
`, false)
	for i := range 3 {
		got, err := command(t, gw.addr, OpenOptions{Module: "m", Role: RoleSender}, "read hello.txt")
		if err != nil || got != "hello from pub" {
			t.Fatalf("pull %d = %q, %v", i, got, err)
		}
	}
	if n := strings.Count(gw.log.String(), `msg="backend failed"`); n != 1 {
		t.Errorf("the dead backend was dialled %d times for 3 clients, want 1:\n%s", n, gw.log)
	}
	// Every backend down: a clear refusal.
	_, err = command(t, gw.addr, OpenOptions{Module: "down", Role: RoleSender}, "read hello.txt")
	var re *RemoteError
	if !errors.As(err, &re) || re.Code != CodeUnavailable || !strings.Contains(re.Message, `module "down" is unavailable`) {
		t.Errorf("every backend down: %v, want code %d", err, CodeUnavailable)
	}
}

// TestProxyListing: a gateway lists its local modules and its proxy
// modules, with the backend's flags and comment; a backend that is down
// leaves its module listed; two gateways listing each other do not loop.
func TestProxyListing(t *testing.T) {
	dir := moduleTree(t)
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	dead.Close()
	ds := newDaemonSet(t, dir, "gw", "be")
	ds.start("be", backendCfg(`
[module.back]
proxy = "ferry://%ADDR:gw%/local"
`), false)
	gw := ds.start("gw", `
[module.local]
path = "%DIR%/pub"
comment = "local files"
[module.data]
proxy = "ferry://%ADDR:be%/data"
[module.vault]
proxy = "ferry://%ADDR:be%/priv"
comment = "the vault, via the gateway"
[module.gone]
proxy = "ferry://`+deadAddr+`/data"
comment = "backend down"
[module.moved]
redirect = "ferry://%ADDR:be%/data"
comment = "moved"
`, false)
	c, err := Dial(t.Context(), gw.addr, DialOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	mods, err := c.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []ModuleInfo{
		{Name: "data", Comment: "the backend's data"},
		{Name: "gone", Comment: "backend down"},
		{Name: "local", Comment: "local files", Flags: FlagReadOnly},
		{Name: "moved", Comment: "moved"},
		{Name: "vault", Comment: "the vault, via the gateway", Flags: FlagAuth | FlagReadOnly},
	}
	if fmt.Sprint(mods) != fmt.Sprint(want) {
		t.Errorf("listing through the gateway:\n got %v\nwant %v", mods, want)
	}
	// The backend, itself proxying to the gateway, answers the gateway's
	// one-hop LIST from its configuration: no loop, and its own listing
	// asks the gateway once.
	c, err = Dial(t.Context(), ds.addrs["be"], DialOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	mods, err = c.List(t.Context())
	if err != nil || len(mods) != 3 || mods[0].Name != "back" || mods[0].Comment != "local files" {
		t.Errorf("backend listing: %v, %v", mods, err)
	}
}

// TestProxyBackendBusy: a backend over its connection limit is skipped,
// and when every backend refuses, the client gets the backend's reason.
func TestProxyBackendBusy(t *testing.T) {
	dir := moduleTree(t)
	ds := newDaemonSet(t, dir, "gw", "be")
	be := ds.start("be", backendCfg("max_connections = 1"), false)
	gw := ds.start("gw", "[module.m]\nproxy = \"ferry://%ADDR:be%/data\"\n", false)
	hold, err := Dial(t.Context(), be.addr, DialOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Close()
	_, err = command(t, gw.addr, OpenOptions{Module: "m", Role: RoleSender}, "read hello.txt")
	var re *RemoteError
	if !errors.As(err, &re) || re.Code != CodeTooMany || !strings.Contains(re.Message, "max connections (1) reached") {
		t.Fatalf("backend at its limit: %v, want its refusal", err)
	}
}

// TestProxyIPv6: a gateway on ::1 proxies to a backend on 127.0.0.1 and
// to one on ::1 that trusts it and judges the forwarded client address.
func TestProxyIPv6(t *testing.T) {
	dir := moduleTree(t)
	ds := newDaemonSet(t, dir, "v6gw", "v6be", "be")
	ds.start("be", backendCfg(""), false)
	be6 := ds.start("v6be", `
trusted_proxies = ["::1"]
[module.data]
path = "%DIR%/pub"
hosts_allow = ["::1/128"]
`, false)
	gw := ds.start("v6gw", `
[module.four]
proxy = "ferry://%ADDR:be%/data"
[module.six]
proxy = "ferry://%ADDR:v6be%/data"
`, false)
	for _, mod := range []string{"four", "six"} {
		c, err := dialFrom(t, "::1", gw.addr)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := commandVia(t, c, OpenOptions{Module: mod, Role: RoleSender}, "read hello.txt"); err != nil || got != "hello from pub" {
			t.Errorf("module %s over IPv6: %q, %v", mod, got, err)
		}
	}
	ds.stop("v6gw")
	ds.stop("v6be")
	if !strings.Contains(be6.log.String(), "client=::1") {
		t.Errorf("IPv6 backend log does not name the forwarded client:\n%s", be6.log)
	}
}

// TestProxyGatewayUsers: a proxy module with users of its own
// authenticates them before contacting a backend; when the backend
// challenges too, the client answers both.
func TestProxyGatewayUsers(t *testing.T) {
	dir := moduleTree(t)
	ds := newDaemonSet(t, dir, "gw", "be")
	be := ds.start("be", backendCfg(`trusted_proxies = ["127.0.0.1"]`), false)
	gw := ds.start("gw", `
name = "gateway"
[module.open]
proxy = "ferry://%ADDR:be%/data"
auth_users = ["alice"]
secrets_file = "%DIR%/secrets"
[module.both]
proxy = "ferry://%ADDR:be%/priv"
auth_users = ["alice"]
secrets_file = "%DIR%/secrets"
`, false)
	for _, mod := range []string{"open", "both"} {
		got, err := command(t, gw.addr, OpenOptions{Module: mod, Role: RoleSender, User: "alice", Password: "s3cret"}, "whoami")
		if err != nil || !strings.Contains(got, "role=sender") {
			t.Errorf("module %s with the right password: %q, %v", mod, got, err)
		}
	}
	before := acceptedCount(t, be)
	_, err := command(t, gw.addr, OpenOptions{Module: "open", Role: RoleSender, User: "alice", Password: "wrong"}, "whoami")
	if !errors.Is(err, ErrAuthFailed) {
		t.Fatalf("wrong password at the gateway: %v", err)
	}
	if after := acceptedCount(t, be); after != before {
		t.Errorf("the backend was contacted for a client the gateway refused (%v connections, then %v)", before, after)
	}
	if !strings.Contains(gw.log.String(), `msg="login failed"`) {
		t.Errorf("gateway did not log the failed login:\n%s", gw.log)
	}
}

// TestProxyTrustedNotPerHostLimited: a backend's max_connections_per_host
// does not hold back a trusted gateway, which carries many clients; an
// untrusted one is held to it.
func TestProxyTrustedNotPerHostLimited(t *testing.T) {
	dir := moduleTree(t)
	for _, trusted := range []bool{true, false} {
		t.Run(fmt.Sprint("trusted=", trusted), func(t *testing.T) {
			ds := newDaemonSet(t, dir, "gw", "be")
			extra := "max_connections_per_host = 1"
			if trusted {
				extra += "\ntrusted_proxies = [\"127.0.0.2\"]"
			}
			ds.start("be", backendCfg(extra), false)
			gw := ds.start("gw", "[module.m]\nproxy = \"ferry://%ADDR:be%/data\"\nproxy_bind = \"127.0.0.2\"\n", false)
			c, err := Dial(t.Context(), gw.addr, DialOptions{Timeout: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			first, _, err := c.Open(t.Context(), OpenOptions{Module: "m", Role: RoleSender})
			if err != nil {
				t.Fatal(err)
			}
			defer first.Close()
			got, err := command(t, gw.addr, OpenOptions{Module: "m", Role: RoleSender}, "read hello.txt")
			if trusted && (err != nil || got != "hello from pub") {
				t.Errorf("second client through a trusted gateway: %q, %v", got, err)
			}
			if !trusted && !errors.Is(err, ErrTooMany) {
				t.Errorf("second client through an untrusted gateway: %v, want the backend's per-host limit", err)
			}
		})
	}
}
