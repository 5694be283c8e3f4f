package daemon

import (
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestUpstreamDiscovery: a gateway that lacks a module asks its upstreams
// (a dead one first), proxies to the one that has it, keeps the answers,
// negative ones too, for upstream_ttl, and then lists what it found.
func TestUpstreamDiscovery(t *testing.T) {
	dir := moduleTree(t)
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	dead.Close()
	ds := newDaemonSet(t, dir, "gw", "up")
	up := ds.start("up", backendCfg(""), false)
	gw := ds.start("gw", `
upstreams = ["ferry://`+deadAddr+`", "ferry://%ADDR:up%"]
upstream_ttl = "1h"
[module.local]
path = "%DIR%/pub"
`, false)
	for i := range 2 {
		got, err := command(t, gw.addr, OpenOptions{Module: "data", Role: RoleSender}, "read hello.txt")
		if err != nil || got != "hello from pub" {
			t.Fatalf("open %d of a module of the upstream: %q, %v", i, got, err)
		}
		if _, err := command(t, gw.addr, OpenOptions{Module: "nope", Role: RoleSender}, "x"); !errors.Is(err, ErrUnknownModule) {
			t.Fatalf("open %d of a module nobody has: %v", i, err)
		}
	}
	rec := httptest.NewRecorder()
	gw.srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if m := rec.Body.String(); strings.Contains(m, `module="nope"`) || !strings.Contains(m, `ferry_daemon_backend_failures_total{backend="ferry://`+deadAddr+`/",module="(discovery)"}`) {
		t.Errorf("the dead upstream's failures should be counted under module \"(discovery)\", never under a name a client asked for:\n%s", m)
	}
	if n := strings.Count(up.log.String(), `msg="module query"`); n != 2 {
		t.Errorf("the upstream was asked %d times, want 2 (data and nope, once each: with an upstream down, a negative answer is kept 10s):\n%s", n, up.log)
	}
	c, err := Dial(t.Context(), gw.addr, DialOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	mods, err := c.List(t.Context())
	if err != nil || fmt.Sprint(mods) != fmt.Sprint([]ModuleInfo{{Name: "data", Comment: "the backend's data"}, {Name: "local", Flags: FlagReadOnly}}) {
		t.Errorf("listing with a discovered module: %v, %v", mods, err)
	}
	ds.stop("gw")
	if !strings.Contains(gw.log.String(), "backend=ferry://"+ds.addrs["up"]+"/data") {
		t.Errorf("gateway log does not name the upstream used:\n%s", gw.log)
	}
}

// TestUpstreamRedirect: upstream_mode = "redirect" sends the client to
// the upstream that has the module.
func TestUpstreamRedirect(t *testing.T) {
	dir := moduleTree(t)
	ds := newDaemonSet(t, dir, "gw", "up")
	ds.start("up", backendCfg(""), false)
	gw := ds.start("gw", `
upstreams = ["ferry://%ADDR:up%/"]
upstream_mode = "redirect"
`, false)
	_, err := command(t, gw.addr, OpenOptions{Module: "data", Role: RoleSender}, "x")
	var re *RedirectError
	if !errors.As(err, &re) || re.URL != "ferry://"+ds.addrs["up"]+"/data" {
		t.Fatalf("discovered module in redirect mode: %v", err)
	}
}

// TestUpstreamLoop: two gateways that are each other's upstream answer a
// module neither has, after at most MaxHops queries, with unknown module.
func TestUpstreamLoop(t *testing.T) {
	dir := moduleTree(t)
	ds := newDaemonSet(t, dir, "a", "b")
	a := ds.start("a", "max_connections_per_host = 0\nupstreams = [\"ferry://%ADDR:b%\"]\n", false)
	b := ds.start("b", "max_connections_per_host = 0\nupstreams = [\"ferry://%ADDR:a%\"]\n", false)
	if _, err := command(t, a.addr, OpenOptions{Module: "nowhere", Role: RoleSender}, "x"); !errors.Is(err, ErrUnknownModule) {
		t.Fatalf("module nobody has, upstreams in a loop: %v", err)
	}
	queries := strings.Count(a.log.String(), `msg="module query"`) + strings.Count(b.log.String(), `msg="module query"`)
	if queries == 0 || queries > MaxHops {
		t.Errorf("%d queries, want 1..%d", queries, MaxHops)
	}
	if !strings.Contains(a.log.String()+b.log.String(), fmt.Sprintf("hops=%d", MaxHops)) {
		t.Errorf("the chain did not reach the hop limit:\n%s\n%s", a.log, b.log)
	}
}
