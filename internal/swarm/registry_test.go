package swarm

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"io"
	"sync"
	"testing"
	"time"
)

// fakeNow is a clock tests move by hand.
type fakeNow struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeNow) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeNow) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestRegistryTTL(t *testing.T) {
	clk := &fakeNow{t: time.Unix(1000, 0)}
	r := NewRegistry(clk.now, time.Minute)
	g1, g2 := Hash{1}, Hash{2}
	if ttl, ok := r.Register("ferry://a/m", "u", g1, 30*time.Second); !ok || ttl != 30*time.Second {
		t.Fatalf("Register = %v, %v", ttl, ok)
	}
	if ttl, _ := r.Register("ferry://b/m", "u", g2, time.Hour); ttl != time.Minute {
		t.Fatalf("TTL not capped: %v", ttl)
	}
	if ttl, _ := r.Register("ferry://c/m", "u", g1, time.Second); ttl != MinTTL {
		t.Fatalf("TTL not raised to the minimum: %v", ttl)
	}
	if n := r.Nominate(g1); len(n) != 2 || n[0].Address != "ferry://a/m" || n[1].Address != "ferry://c/m" {
		t.Fatalf("Nominate(g1) = %+v", n)
	}
	clk.add(10 * time.Second) // c's TTL ran out
	if n := r.Nominate(g1); len(n) != 1 || n[0].Address != "ferry://a/m" {
		t.Fatalf("after 10s: %+v", n)
	}
	r.Register("ferry://a/m", "u", g1, 30*time.Second) // renewed before its end
	clk.add(25 * time.Second)
	if n := r.Live(); len(n) != 2 {
		t.Fatalf("after 35s: %+v", n)
	}
	clk.add(40 * time.Second)
	if n := r.Live(); len(n) != 0 {
		t.Fatalf("after 75s: %+v", n)
	}
}

// testSigner and testAuthorize share a secret.
var regSecret = []byte("mirror secret")

func testSigner(user string) Signer {
	return Signer{User: user, MAC: func(msg []byte) ([32]byte, error) {
		var out [32]byte
		h := hmac.New(sha256.New, regSecret)
		h.Write(msg)
		copy(out[:], h.Sum(nil))
		return out, nil
	}}
}

func testAuthorize(user string, msg []byte, mac [32]byte) bool {
	sg := testSigner(user)
	want, _ := sg.MAC(msg)
	return user == "mirror" && hmac.Equal(want[:], mac[:])
}

// register registers address with the origin at addr.
func register(t *testing.T, origin, address string, gen Hash, sg Signer) error {
	t.Helper()
	c, err := dialTCP(t.Context(), origin)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cl, err := NewClient(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	_, err = cl.Register(t.Context(), address, gen, time.Minute, sg)
	return err
}

// TestFetchUsesNominations: mirrors that registered with the origin are
// used without --mirror; one that registered an old generation is not;
// a registration with a wrong MAC is refused.
func TestFetchUsesNominations(t *testing.T) {
	s := setup(t, nil, nil)
	reg := NewRegistry(nil, 0)
	osrc := serveSourceOpts(t, s.odir, ServeOptions{Store: s.origin, Registry: reg, Authorize: testAuthorize})
	g, _ := s.origin.Current(t.Context())
	for _, m := range s.mirrors {
		if err := register(t, osrc.addr, m, g.ID, testSigner("mirror")); err != nil {
			t.Fatal(err)
		}
	}
	if err := register(t, osrc.addr, "127.0.0.1:1", Hash{9}, testSigner("mirror")); err != nil {
		t.Fatal(err)
	}
	bad := testSigner("mirror")
	bad.User = "intruder"
	if err := register(t, osrc.addr, "127.0.0.1:2", g.ID, bad); !errors.Is(err, ErrRefused) {
		t.Fatalf("bad registration = %v, want ErrRefused", err)
	}
	dst := t.TempDir()
	res, err := Fetch(t.Context(), FetchOptions{Origin: osrc.addr, Dial: dialTCP, Key: s.origin.Key(), Dest: dst, SpoolDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := treeOf(t, dst), treeOf(t, s.odir); got != want {
		t.Fatalf("destination:\n%s\nwant:\n%s", got, want)
	}
	if len(res.Sources) != 3 || res.Sources[0].Chunks != 0 {
		t.Fatalf("sources %+v, want the origin (idle) and the two nominated mirrors", res.Sources)
	}
	c, _ := dialTCP(t.Context(), osrc.addr)
	defer c.Close()
	cl, _ := NewClient(t.Context(), c)
	all, err := cl.Mirrors(context.Background(), Hash{})
	if err != nil || len(all) != 3 {
		t.Fatalf("Mirrors = %+v, %v", all, err)
	}
}

func FuzzSwarmMessages(f *testing.F) {
	f.Add(byte(msgGetChunk), chunkReq{ID: 1, Index: 2, Length: 3, Path: "a/b"}.marshal())
	f.Add(byte(msgRegister), registerReq{User: "u", Address: "ferry://h/m", TTL: 60}.marshal())
	f.Add(byte(msgMirrors), marshalMirrors([]MirrorInfo{{Address: "ferry://h/m", ExpiresIn: time.Minute}}))
	f.Add(byte(msgInfo), Info{Caps: []string{CapChunks}, Kind: KindOrigin}.marshal())
	f.Fuzz(func(t *testing.T, typ byte, b []byte) {
		switch msgType(typ) {
		case msgGetChunk:
			var r chunkReq
			if r.unmarshal(b) == nil {
				if !bytes.Equal(r.marshal(), b) || r.Length == 0 || r.Length > ChunkSize {
					t.Fatalf("chunk request %+v does not round-trip", r)
				}
			}
		case msgRegister:
			var r registerReq
			if r.unmarshal(b) == nil && !bytes.Equal(r.marshal(), b) {
				t.Fatalf("register %+v does not round-trip", r)
			}
		case msgMirrors:
			unmarshalMirrors(b)
		case msgInfo:
			var in Info
			in.unmarshal(b)
		case msgFail:
			var fm failMsg
			fm.unmarshal(b)
		}
	})
}

// TestFetchersCounted: an origin counts the open connections that took a
// generation's manifest; one that closes stops counting; a source without
// a registry refuses the question.
func TestFetchersCounted(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"f": "x"})
	o := newTestOrigin(t, dir, testKey(t, 13))
	src := serveSourceOpts(t, dir, ServeOptions{Store: o, Registry: NewRegistry(nil, 0)})
	client := func() *Client { return dialClient(t, src.addr) }
	fetchers := func(cl *Client) int {
		t.Helper()
		n, err := cl.Fetchers(t.Context(), cl.Info.Generation)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	asker := client()
	if n := fetchers(asker); n != 0 {
		t.Fatalf("no fetcher yet: %d", n)
	}
	var fetching []*Client
	for range 2 {
		cl := client()
		for range 2 { // a second manifest on one connection counts once
			if _, err := cl.Manifest(t.Context(), cl.Info.Generation, io.Discard, 1<<20); err != nil {
				t.Fatal(err)
			}
		}
		fetching = append(fetching, cl)
	}
	if n := fetchers(asker); n != 2 {
		t.Fatalf("two fetchers: %d", n)
	}
	fetching[0].Close()
	<-src.ended // its service returned, its count with it
	if n := fetchers(asker); n != 1 {
		t.Fatalf("one fetcher closed, one left: %d", n)
	}
	if n, err := asker.Fetchers(t.Context(), Hash{1}); err != nil || n != 0 {
		t.Fatalf("another generation: %d, %v", n, err)
	}

	plain := serveSource(t, dir, o, nil) // no registry: no fetchers-v1
	cl := dialClient(t, plain.addr)
	if _, err := cl.Fetchers(t.Context(), cl.Info.Generation); !errors.Is(err, ErrRefused) {
		t.Fatalf("without the capability: %v, want ErrRefused", err)
	}
}
