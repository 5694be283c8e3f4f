package daemon

import (
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/swarm"
)

// freeAddr returns a loopback address nobody listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startServerAt serves cfgText on addr until the test ends.
func startServerAt(t *testing.T, dir, addr, cfgText string) *testServer {
	t.Helper()
	cfg, err := ParseConfig([]byte(strings.ReplaceAll(cfgText, "%DIR%", dir)), filepath.Join(dir, "ferryd.toml"))
	if err != nil {
		t.Fatalf("ParseConfig: %v", err)
	}
	logs := &syncBuffer{}
	srv, err := NewServer(cfg, Options{Handler: lineHandler, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	return &testServer{addr: ln.Addr().String(), srv: srv, cfg: cfg, log: logs}
}

// TestSwarmMirrorRegistration: mirrors register with the origin (their
// credentials in its mirror_secrets_file) and a client with no --mirror
// fetches from the mirrors the origin nominates; a mirror with a wrong
// password is not listed.
func TestSwarmMirrorRegistration(t *testing.T) {
	dir := t.TempDir()
	pub, err := swarm.GenerateKey(filepath.Join(dir, "swarm.key"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "mirrors.secrets"), "m1:pw1\nm2:pw2\n", 0o600)
	swarmTree(t, filepath.Join(dir, "origin"))
	origin := startServer(t, dir, `[module.data]
path = "%DIR%/origin"
swarm = true
swarm_key = "%DIR%/swarm.key"
mirror_secrets_file = "%DIR%/mirrors.secrets"
`, nil)
	var good []string
	for i, pw := range []string{"pw1", "pw2", "wrong"} {
		n := string(rune('1' + i))
		mdir := filepath.Join(dir, "mirror"+n)
		swarmTree(t, mdir)
		writeFile(t, filepath.Join(dir, "pw"+n), pw+"\n", 0o600)
		addr := freeAddr(t)
		user := "m" + n
		if pw == "wrong" {
			user = "m1"
		}
		ms := startServerAt(t, mdir, addr, `[module.copy]
path = "%DIR%"
swarm = true
mirror_of = "ferry://`+origin.addr+`/data"
swarm_origin_key = "`+swarm.FormatKey(pub)+`"
swarm_cache = "`+filepath.Join(dir, "mcache"+n)+`"
mirror_address = "ferry://`+addr+`/copy"
mirror_user = "`+user+`"
mirror_password_file = "`+filepath.Join(dir, "pw"+n)+`"
mirror_ttl = "1m"
`)
		err := ms.srv.RefreshMirror(t.Context(), "copy")
		if (pw == "wrong") != (err != nil) {
			t.Fatalf("mirror %s: refresh = %v", n, err)
		}
		if pw != "wrong" {
			good = append(good, "ferry://"+addr+"/copy")
		}
	}
	dial := func(ctx context.Context, name string) (net.Conn, error) {
		tg, err := ParseTarget(name)
		if err != nil {
			return nil, err
		}
		return DialSwarm(ctx, tg, DialOptions{Timeout: 10 * time.Second}, OpenOptions{})
	}
	dst := filepath.Join(dir, "dst")
	res, err := swarm.Fetch(t.Context(), swarm.FetchOptions{Origin: "ferry://" + origin.addr + "/data",
		Dial: dial, Key: pub, Dest: dst, SpoolDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var used []string
	for _, s := range res.Sources[1:] {
		used = append(used, s.Name)
	}
	if strings.Join(used, " ") != strings.Join(good, " ") && strings.Join(used, " ") != good[1]+" "+good[0] {
		t.Fatalf("sources %v, want the registered mirrors %v", used, good)
	}
	if res.Sources[0].Chunks != 0 || res.FilesFetched != 3 {
		t.Fatalf("origin chunks %d, files %d", res.Sources[0].Chunks, res.FilesFetched)
	}
	got, _ := os.ReadFile(filepath.Join(dst, "d/small"))
	if string(got) != "small\n" {
		t.Fatalf("d/small = %q", got)
	}
}
