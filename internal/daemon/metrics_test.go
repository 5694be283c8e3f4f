package daemon

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// acceptedCount returns the connections daemon ts accepted, from its
// metrics.
func acceptedCount(t *testing.T, ts *testServer) string {
	t.Helper()
	rec := httptest.NewRecorder()
	ts.srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		if v, ok := strings.CutPrefix(line, "ferry_daemon_connections_accepted_total "); ok {
			return v
		}
	}
	t.Fatal("no ferry_daemon_connections_accepted_total")
	return ""
}

// TestMetrics: a gateway counts proxied sessions and their bytes per
// module and backend, backend failures, redirects and refusals; a backend
// counts failed logins; metrics_listen serves them over HTTP.
func TestMetrics(t *testing.T) {
	dir := moduleTree(t)
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	dead.Close()
	ds := newDaemonSet(t, dir, "gw", "be")
	be := ds.start("be", backendCfg(`trusted_proxies = ["127.0.0.1"]`), false)
	gw := ds.start("gw", `
[module.m]
proxy = ["ferry://`+deadAddr+`/data", "ferry://%ADDR:be%/data"]
[module.v]
proxy = "ferry://%ADDR:be%/priv"
[module.moved]
redirect = "ferry://%ADDR:be%/data"
`, false)
	if got, err := command(t, gw.addr, OpenOptions{Module: "m", Role: RoleSender}, "read hello.txt"); err != nil || got != "hello from pub" {
		t.Fatalf("pull: %q, %v", got, err)
	}
	command(t, gw.addr, OpenOptions{Module: "moved", Role: RoleSender}, "x")
	command(t, gw.addr, OpenOptions{Module: "v", Role: RoleSender, User: "alice", Password: "wrong"}, "x")
	command(t, gw.addr, OpenOptions{Module: "nope", Role: RoleSender}, "x")

	ds.stop("gw") // sessions are counted when they end
	ds.stop("be")
	scrape := func(ts *testServer) string {
		rec := httptest.NewRecorder()
		ts.srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		return rec.Body.String()
	}
	out := scrape(gw)
	backend := "ferry://" + ds.addrs["be"] + "/data"
	for _, want := range []string{
		`ferry_daemon_sessions_total{kind="proxy",module="m"} 1`,
		`ferry_daemon_session_bytes_total{backend="` + backend + `",direction="in",module="m"} 15`,
		`ferry_daemon_session_bytes_total{backend="` + backend + `",direction="out",module="m"} 14`,
		`ferry_daemon_backend_failures_total{backend="ferry://` + deadAddr + `/data",module="m"} 1`,
		`ferry_daemon_redirects_total{module="moved"} 1`,
		`ferry_daemon_refusals_total{code="3"} 1`,
		`ferry_daemon_connections_accepted_total 4`,
		`go_goroutines`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("gateway metrics lack %s", want)
		}
	}
	if out := scrape(be); !strings.Contains(out, `ferry_daemon_auth_failures_total{module="priv"} 1`) ||
		!strings.Contains(out, `ferry_daemon_sessions_total{kind="local",module="data"} 1`) {
		t.Errorf("backend metrics:\n%s", out)
	}

	// metrics_listen serves them over HTTP.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	if err := gw.srv.serveMetrics(t.Context(), addr); err != nil {
		t.Fatal(err)
	}
	hc := http.Client{Timeout: 10 * time.Second}
	resp, err := hc.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), `ferry_daemon_redirects_total{module="moved"} 1`) {
		t.Errorf("GET /metrics:\n%s", body)
	}
}
