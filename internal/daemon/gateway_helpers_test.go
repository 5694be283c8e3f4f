package daemon

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// daemonSet starts several daemons whose configurations name each other's
// addresses: every listener is opened first (on ::1 for a name starting
// with "v6", else on 127.0.0.1), then each configuration has %ADDR:NAME%
// replaced by daemon NAME's host:port and %DIR% by dir.
type daemonSet struct {
	t     testing.TB
	dir   string
	lns   map[string]net.Listener
	addrs map[string]string
	srvs  map[string]*testServer
	stops map[string]func()
}

func newDaemonSet(t testing.TB, dir string, names ...string) *daemonSet {
	t.Helper()
	ds := &daemonSet{t: t, dir: dir, lns: map[string]net.Listener{}, addrs: map[string]string{}, srvs: map[string]*testServer{}, stops: map[string]func(){}}
	for _, n := range names {
		addr := "127.0.0.1:0"
		if strings.HasPrefix(n, "v6") {
			addr = "[::1]:0"
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Skipf("no %s: %v", addr, err)
		}
		t.Cleanup(func() { ln.Close() })
		ds.lns[n], ds.addrs[n] = ln, ln.Addr().String()
	}
	return ds
}

// expand replaces %ADDR:NAME% and %DIR% in s.
func (ds *daemonSet) expand(s string) string {
	for n, a := range ds.addrs {
		s = strings.ReplaceAll(s, "%ADDR:"+n+"%", a)
	}
	return strings.ReplaceAll(s, "%DIR%", ds.dir)
}

// start serves daemon name with cfgText (tls: behind a TLS listener).
func (ds *daemonSet) start(name, cfgText string, useTLS bool) *testServer {
	t := ds.t
	t.Helper()
	cfg, err := ParseConfig([]byte(ds.expand(cfgText)), filepath.Join(ds.dir, name+".toml"))
	if err != nil {
		t.Fatalf("%s: ParseConfig: %v", name, err)
	}
	logs := &syncBuffer{}
	srv, err := NewServer(cfg, Options{Handler: lineHandler, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatalf("%s: NewServer: %v", name, err)
	}
	ln := ds.lns[name]
	if useTLS {
		ln = tls.NewListener(ln, srv.tlsCf)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	stop := sync.OnceFunc(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) {
			t.Errorf("%s: Serve: %v", name, err)
		}
	})
	ds.stops[name] = stop
	t.Cleanup(stop)
	ts := &testServer{addr: ds.addrs[name], srv: srv, cfg: cfg, log: logs}
	ds.srvs[name] = ts
	return ts
}

// stop stops daemon name and waits until every connection it served has
// ended, so that what it logs and counts at a connection's end is there.
func (ds *daemonSet) stop(name string) { ds.stops[name]() }

// dialFrom connects to addr from the local address from (an address of
// 127.0.0.0/8) and runs HELLO and GREETING.
func dialFrom(t *testing.T, from, addr string) (*Client, error) {
	t.Helper()
	d := net.Dialer{Timeout: 10 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	conn, err := d.DialContext(t.Context(), "tcp", addr)
	if err != nil {
		return nil, err
	}
	c, err := NewClient(t.Context(), conn, "test", time.Now().Add(10*time.Second))
	if err != nil {
		conn.Close()
	}
	return c, err
}

// commandVia runs one lineHandler command on client c's module.
func commandVia(t *testing.T, c *Client, o OpenOptions, cmd string) (string, error) {
	t.Helper()
	conn, _, err := c.Open(t.Context(), o)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write([]byte(cmd + "\n")); err != nil {
		return "", err
	}
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := conn.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String(), nil
		}
	}
}
