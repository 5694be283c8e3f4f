package daemon

import (
	"context"
	"crypto/ed25519"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/swarm"
)

// swarmTree writes a tree with a multi-chunk file into dir, with fixed
// mtimes (as a mirror synced with -a has them).
func swarmTree(t *testing.T, dir string) {
	t.Helper()
	big := make([]byte, 3*swarm.ChunkSize+5)
	for i := range big {
		big[i] = byte(i / 4093)
	}
	mt := time.Unix(1700000000, 0)
	for name, data := range map[string][]byte{"big": big, "d/small": []byte("small\n"), "d/e/other": []byte("other")} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, mt, mt)
	}
}

// TestSwarmDaemons: an origin daemon, three mirror daemons (one of them
// capped by bwlimit) and a client fetching from all of them; a mirror
// whose tree is not the origin's current one is not used.
func TestSwarmDaemons(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "swarm.key")
	pub, err := swarm.GenerateKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	swarmTree(t, filepath.Join(dir, "origin"))
	origin := startServer(t, dir, `[module.data]
path = "%DIR%/origin"
swarm = true
swarm_key = "%DIR%/swarm.key"
`, nil)
	if !strings.Contains(origin.log.String(), swarm.FormatKey(pub)) {
		t.Fatalf("origin log does not show its key: %s", origin.log.String())
	}
	var mirrors []string
	for i, tree := range []string{"same", "same", "stale"} {
		mdir := filepath.Join(dir, "mirror"+string(rune('0'+i)))
		swarmTree(t, mdir)
		if tree == "stale" {
			os.WriteFile(filepath.Join(mdir, "d", "small"), []byte("stale\n"), 0o644)
		}
		ms := startServer(t, mdir, `[module.copy]
path = "%DIR%"
swarm = true
mirror_of = "ferry://`+origin.addr+`/data"
swarm_origin_key = "`+swarm.FormatKey(pub)+`"
swarm_cache = "`+filepath.Join(dir, "mcache"+string(rune('0'+i)))+`"
bwlimit = "8M"
mirror_sync = false
`, nil)
		err := ms.srv.RefreshMirror(t.Context(), "copy")
		if tree == "stale" != errors.Is(err, swarm.ErrTreeDiffers) {
			t.Fatalf("mirror %d (%s): refresh = %v", i, tree, err)
		}
		mirrors = append(mirrors, "ferry://"+ms.addr+"/copy")
	}
	dial := func(ctx context.Context, name string) (net.Conn, error) {
		tg, err := ParseTarget(name)
		if err != nil {
			return nil, err
		}
		return DialSwarm(ctx, tg, DialOptions{Timeout: 10 * time.Second}, OpenOptions{})
	}
	dst := filepath.Join(dir, "dst")
	res, err := swarm.Fetch(t.Context(), swarm.FetchOptions{Origin: "ferry://" + origin.addr + "/data", Mirrors: mirrors,
		Dial: dial, Key: ed25519.PublicKey(pub), Dest: dst, SpoolDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"big", "d/small", "d/e/other"} {
		want, _ := os.ReadFile(filepath.Join(dir, "origin", name))
		got, err := os.ReadFile(filepath.Join(dst, name))
		if err != nil || string(got) != string(want) {
			t.Fatalf("%s: %d bytes, %v; want %d bytes", name, len(got), err, len(want))
		}
	}
	if res.FilesFetched != 3 || res.BytesFetched != 3*swarm.ChunkSize+5+6+5 {
		t.Fatalf("fetched %d files, %d bytes", res.FilesFetched, res.BytesFetched)
	}
	if s := res.Sources[3]; !strings.Contains(s.Skipped, "holds generation none") {
		t.Fatalf("stale mirror: %+v", s)
	}
	for _, s := range res.Sources[:3] {
		if s.Skipped != "" || s.Dropped != "" {
			t.Fatalf("source %+v not used", s)
		}
	}
}

// TestSwarmRoleRefused: a module without swarm refuses the swarm role.
func TestSwarmRoleRefused(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir, "[module.m]\npath = \"%DIR%\"\n", nil)
	_, err := DialSwarm(t.Context(), Target{Host: "127.0.0.1", Port: portOf(t, ts.addr), Module: "m"}, DialOptions{}, OpenOptions{})
	var re *RemoteError
	if !errors.As(err, &re) || re.Code != CodeModuleMode {
		t.Fatalf("DialSwarm = %v, want a module-mode refusal", err)
	}
}

func portOf(t *testing.T, addr string) int {
	t.Helper()
	_, p, _ := net.SplitHostPort(addr)
	tg, err := ParseTarget("ferry://127.0.0.1:" + p + "/x")
	if err != nil {
		t.Fatal(err)
	}
	return tg.Port
}

func TestSwarmConfig(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "k")
	if _, err := swarm.GenerateKey(key); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, body, err string }{
		{"origin", "swarm = true\nswarm_key = \"" + key + "\"", ""},
		{"mirror", "swarm = true\nmirror_of = \"ferry://h/m\"\nswarm_origin_key = \"ed25519:" + strings.Repeat("ab", 32) + "\"", ""},
		{"neither", "swarm = true", "needs swarm_key"},
		{"key without swarm", "swarm_key = \"" + key + "\"", "needs swarm = true"},
		{"mirror without key", "swarm = true\nmirror_of = \"ferry://h/m\"", "origin's public key"},
		{"mirror of a path", "swarm = true\nmirror_of = \"ferry://h/m/sub\"\nswarm_origin_key = \"ed25519:" + strings.Repeat("ab", 32) + "\"", "want ferry://"},
		{"both", "swarm = true\nswarm_key = \"" + key + "\"\nmirror_of = \"ferry://h/m\"", "cannot be a mirror"},
		{"fingerprint without TLS", "swarm = true\nmirror_of = \"ferry://h/m\"\nswarm_origin_key = \"ed25519:" + strings.Repeat("ab", 32) + "\"\nmirror_tls_fingerprint = \"sha256:00\"", "needs a ferrys://"},
		{"write only", "swarm = true\nwrite_only = true\nswarm_key = \"" + key + "\"", "write_only"},
		{"missing key file", "swarm = true\nswarm_key = \"" + key + ".none\"", "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte("[module.m]\npath = \""+dir+"\"\nswarm_cache = \""+dir+"/c\"\n"+tc.body+"\n"), "")
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
		})
	}
}

// startSwarmOrigin runs a daemon with origin module "data" of a
// swarmTree in dir/origin, key dir/swarm.key; it returns the public key.
func startSwarmOrigin(t *testing.T, dir string) (ed25519.PublicKey, *testServer) {
	t.Helper()
	pub, err := swarm.GenerateKey(filepath.Join(dir, "swarm.key"))
	if err != nil {
		t.Fatal(err)
	}
	swarmTree(t, filepath.Join(dir, "origin"))
	return pub, startServer(t, dir, `[module.data]
path = "%DIR%/origin"
swarm = true
swarm_key = "%DIR%/swarm.key"
`, nil)
}

// TestSwarmMirrorSyncsItself: a mirror with an empty tree fetches the
// origin's tree at its refresh, adopts the generation and then serves it.
func TestSwarmMirrorSyncsItself(t *testing.T) {
	dir := t.TempDir()
	pub, origin := startSwarmOrigin(t, dir)
	mdir := filepath.Join(dir, "mirror")
	os.MkdirAll(filepath.Join(mdir, "removed-at-origin"), 0o755)
	os.WriteFile(filepath.Join(mdir, "removed-at-origin", "f"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(mdir, "gone"), []byte("x"), 0o644)
	ms := startServer(t, mdir, `[module.copy]
path = "%DIR%"
swarm = true
mirror_of = "ferry://`+origin.addr+`/data"
swarm_origin_key = "`+swarm.FormatKey(pub)+`"
swarm_cache = "`+filepath.Join(mdir, ".cache")+`"
`, nil)
	if err := ms.srv.RefreshMirror(t.Context(), "copy"); err != nil {
		t.Fatal(err)
	}
	// What the origin does not have is deleted; the manifest cache inside
	// the tree is not.
	for _, name := range []string{"gone", "removed-at-origin"} {
		if _, err := os.Lstat(filepath.Join(mdir, name)); !os.IsNotExist(err) {
			t.Fatalf("mirror kept %s: %v", name, err)
		}
	}
	if ents, err := os.ReadDir(filepath.Join(mdir, ".cache")); err != nil || len(ents) == 0 {
		t.Fatalf("manifest cache: %v, %d entries", err, len(ents))
	}
	for _, name := range []string{"big", "d/small", "d/e/other"} {
		want, _ := os.ReadFile(filepath.Join(dir, "origin", name))
		got, err := os.ReadFile(filepath.Join(mdir, name))
		if err != nil || string(got) != string(want) {
			t.Fatalf("mirror's %s: %d bytes, %v; want %d", name, len(got), err, len(want))
		}
	}
	tg, _ := ParseTarget("ferry://" + ms.addr + "/copy")
	conn, err := DialSwarm(t.Context(), tg, DialOptions{}, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cl, err := swarm.NewClient(t.Context(), conn)
	if err != nil {
		t.Fatal(err)
	}
	og, err := origin.srv.swarm.stores["data"].Current(t.Context())
	if err != nil || cl.Info.Generation != og.ID || og.ID == (swarm.Hash{}) {
		t.Fatalf("mirror at %x, %v", cl.Info.Generation[:8], err)
	}
}

// TestMirrorRetriesDownOrigin: a mirror whose origin is not up when it
// starts asks again within seconds (not after mirror_interval) and adopts
// the origin's generation once the origin answers.
func TestMirrorRetriesDownOrigin(t *testing.T) {
	dir := t.TempDir()
	pub, origin := startSwarmOrigin(t, dir)
	swarmTree(t, filepath.Join(dir, "mirror"))
	// The address the mirror dials: refused at first, then a relay to
	// the origin.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gate := ln.Addr().String()
	ln.Close()
	ms := startServer(t, filepath.Join(dir, "mirror"), `[module.copy]
path = "%DIR%"
swarm = true
mirror_of = "ferry://`+gate+`/data"
swarm_origin_key = "`+swarm.FormatKey(pub)+`"
swarm_cache = "`+filepath.Join(dir, "cache")+`"
mirror_interval = "1h"
`, nil)
	for i := 0; !strings.Contains(ms.log.String(), "connection refused"); i++ {
		if i == 500 {
			t.Fatalf("no failed refresh logged:\n%s", ms.log.String())
		}
		time.Sleep(10 * time.Millisecond) // waiting for the first refresh, not a timing assertion
	}
	ln, err = net.Listen("tcp", gate)
	if err != nil {
		t.Skipf("the port was taken meanwhile: %v", err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				o, err := net.Dial("tcp", origin.addr)
				if err != nil {
					return
				}
				defer o.Close()
				go io.Copy(o, c)
				io.Copy(c, o)
			}()
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(ms.log.String(), `msg="mirror refresh" module=copy`+" origin=ferry://"+gate+"/data generation=") {
		if time.Now().After(deadline) {
			t.Fatalf("the mirror did not retry within 20 s (interval 1h):\n%s", ms.log.String())
		}
		time.Sleep(20 * time.Millisecond) // waiting for the retry, not a timing assertion
	}
}
