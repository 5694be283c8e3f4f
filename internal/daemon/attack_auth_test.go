package daemon

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// tryLogin opens module from local with a random MAC and returns what the
// daemon did: "challenged" (a key derivation spent, then refused) or the
// refusal that came instead of a challenge.
func tryLogin(t *testing.T, local, addr, module, user string) (string, error) {
	c, err := rawDial(t, local, addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	if f, err := helloFrom(c); err != nil || f.typ != msgGreeting {
		return "", fmt.Errorf("hello: %v %v", frameError(f), err)
	}
	if err := writeFrame(c, msgOpen, openRequest{Module: module, Role: RoleSender}.marshal()); err != nil {
		return "", err
	}
	f, err := readFrame(c, MaxFramePayload)
	if err != nil {
		return "", err
	}
	if f.typ != msgChallenge {
		return "", frameError(f)
	}
	var mac [32]byte
	rand.Read(mac[:])
	if err := writeFrame(c, msgAuth, authResponse{User: user, MAC: mac}.marshal()); err != nil {
		return "", err
	}
	if f, err = readFrame(c, MaxFramePayload); err != nil {
		return "", err
	}
	var re *RemoteError
	if err := frameError(f); !errors.As(err, &re) || re.Code != CodeAuthFailed {
		return "", fmt.Errorf("after a random MAC: %v", err)
	}
	return "challenged", nil
}

// TestFailedLoginBackoff has 8 clients from one address send random MACs
// for two seconds. After three free failures the address backs off
// (1s, 2s...): attempts are refused before the challenge, costing no key
// derivation, so the daemon's CPU stays low; the failures are logged; a
// client from another address still logs in.
func TestFailedLoginBackoff(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "secrets"), []byte("alice:s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d := startAttackd(t, dir, `
name = "attacked"
[module.priv]
path = "%DIR%"
auth_users = ["alice"]
secrets_file = "%DIR%/secrets"
`)
	cpu0 := d.cpu(t)
	var mu sync.Mutex
	var challenged, refused int
	var wg sync.WaitGroup
	stop := time.Now().Add(2 * time.Second)
	for range 8 {
		wg.Go(func() {
			for time.Now().Before(stop) {
				got, err := tryLogin(t, "127.0.0.2", d.addr, "priv", "alice")
				mu.Lock()
				switch {
				case got == "challenged":
					challenged++
				case err != nil && strings.Contains(err.Error(), "too many failed logins"):
					refused++
				case err != nil && strings.Contains(err.Error(), "per host"):
					// refused connections are released a moment after
					// the client sees the refusal: a fast loop outruns it
				default:
					t.Errorf("attempt: %q, %v", got, err)
				}
				mu.Unlock()
				if t.Failed() {
					return
				}
			}
		})
	}
	wg.Wait()
	cpu := d.cpu(t) - cpu0
	d.report(t, fmt.Sprintf("after 2s of 8 clients guessing: %d challenged, %d refused before the challenge, CPU %s during the attack", challenged, refused, cpu))
	// 3 free, then one per backoff (1s, 2s): at most a few more, plus
	// those that were already past the check when a failure came.
	if challenged > 3+2+8 {
		t.Errorf("%d key derivations for one address in 2s, want the backoff to stop them", challenged)
	}
	if refused == 0 {
		t.Error("no attempt refused by the backoff")
	}
	if !strings.Contains(d.log.String(), "login failed") || !strings.Contains(d.log.String(), "backoff=1s") {
		t.Errorf("failed logins not logged with their backoff:\n%s", d.log.String())
	}
	c, err := Dial(t.Context(), d.addr, DialOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	// The normal client dials from 127.0.0.1, another address.
	if _, _, err := c.Open(t.Context(), OpenOptions{Module: "priv", Role: RoleSender, User: "alice", Password: "s3cret"}); err != nil {
		t.Fatalf("login from another address: %v", err)
	}
	c.Close()
}

func TestLoginGuard(t *testing.T) {
	now := time.Unix(1e9, 0)
	g := loginGuard{now: func() time.Time { return now }}
	a, b := hostKey(mustAddr("10.0.0.1")), hostKey(mustAddr("2001:db8::1"))
	want := []time.Duration{0, 0, 0, time.Second, 2 * time.Second, 4 * time.Second}
	for i, w := range want {
		if n, d := g.failed(a); n != i+1 || d != w {
			t.Fatalf("failure %d: %d, %s; want backoff %s", i+1, n, d, w)
		}
		if got := g.wait(a); got != w {
			t.Fatalf("wait after failure %d = %s, want %s", i+1, got, w)
		}
	}
	if g.wait(b) != 0 {
		t.Fatal("another host waits")
	}
	if hostKey(mustAddr("2001:db8::ffff")) != b {
		t.Fatal("one IPv6 /64 counted as several hosts")
	}
	now = now.Add(3 * time.Second)
	if got := g.wait(a); got != time.Second {
		t.Fatalf("wait 3s later = %s, want 1s", got)
	}
	for range 20 {
		g.failed(a)
	}
	if _, d := g.failed(a); d != maxLoginBackoff {
		t.Fatalf("backoff grows to %s, want at most %s", d, maxLoginBackoff)
	}
	now = now.Add(loginForget + maxLoginBackoff + time.Second)
	if _, d := g.failed(a); d != 0 {
		t.Fatalf("failures not forgotten after %s: backoff %s", loginForget, d)
	}
	g.succeeded(a)
	if len(g.hosts) != 0 {
		t.Fatalf("success leaves %d records", len(g.hosts))
	}
	for i := range maxLoginHosts + 10 {
		g.failed(hostKey(mustAddr(fmt.Sprintf("10.%d.%d.1", i/256, i%256))))
	}
	if len(g.hosts) > maxLoginHosts {
		t.Fatalf("%d hosts remembered, want at most %d", len(g.hosts), maxLoginHosts)
	}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
