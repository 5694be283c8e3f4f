package swarm

import (
	"context"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zeebo/blake3"
)

// swarmSetup is an origin and mirrors of sampleTree.
type swarmSetup struct {
	key     ed25519.PrivateKey
	files   map[string]string
	odir    string
	origin  *Origin
	osrc    *testSource
	mirrors []string
}

func setup(t *testing.T, tampers ...func(context.Context, *chunkReq, []byte)) *swarmSetup {
	t.Helper()
	s := &swarmSetup{key: testKey(t, 7), files: sampleTree(), odir: t.TempDir()}
	writeTree(t, s.odir, s.files)
	s.origin = newTestOrigin(t, s.odir, s.key)
	s.osrc = serveSource(t, s.odir, s.origin, nil)
	for _, tm := range tampers {
		m, dir := newTestMirror(t, s.origin, s.files)
		s.mirrors = append(s.mirrors, serveSource(t, dir, m, tm).addr)
	}
	return s
}

func (s *swarmSetup) fetch(t *testing.T, dst string, timeout time.Duration) (*Result, error) {
	t.Helper()
	return Fetch(t.Context(), FetchOptions{Origin: s.osrc.addr, Mirrors: s.mirrors, Dial: dialTCP,
		Key: s.key.Public().(ed25519.PublicKey), Dest: dst, Timeout: timeout, SpoolDir: t.TempDir()})
}

func sourceNamed(t *testing.T, res *Result, name string) SourceStats {
	t.Helper()
	for _, s := range res.Sources {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no source %s in %+v", name, res.Sources)
	return SourceStats{}
}

// TestFetchOriginAndThreeMirrors: one tree from an origin and three
// mirrors; the destination ends equal to the origin, and a second fetch
// finds everything up to date.
func TestFetchOriginAndThreeMirrors(t *testing.T) {
	s := setup(t, nil, nil, nil)
	dst := filepath.Join(t.TempDir(), "dst")
	// An old version of big whose first chunk still matches: reused.
	writeTree(t, dst, map[string]string{"big": pattern(ChunkSize, 1) + "old tail"})
	res, err := s.fetch(t, dst, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := treeOf(t, dst), treeOf(t, s.odir); got != want {
		t.Fatalf("destination:\n%s\nwant:\n%s", got, want)
	}
	// big's first chunk at its index; its short last chunk is found in the
	// old file's pattern at another offset (weak checksum, then BLAKE3).
	if len(res.FileErrors) != 0 || res.BytesReused != ChunkSize+1234 {
		t.Fatalf("errors %v, reused %d", res.FileErrors, res.BytesReused)
	}
	var chunks, used int
	for _, src := range res.Sources {
		if src.Skipped != "" || src.Dropped != "" {
			t.Fatalf("source %+v not used", src)
		}
		chunks += src.Chunks
		if src.Chunks > 0 {
			used++
		}
	}
	// 4 (big, first and last reused) + 2 + 4 + 20 small + dir/small = 31 chunks.
	if chunks != 31 || used < 2 {
		t.Fatalf("%d chunks from %d sources, want 31 from several: %+v", chunks, used, res.Sources)
	}
	// Mirrors at the origin's generation take the whole load.
	if o := res.Sources[0]; o.Chunks != 0 {
		t.Fatalf("origin served %d chunks beside current mirrors", o.Chunks)
	}
	res, err = s.fetch(t, dst, 0)
	if err != nil || res.FilesFetched != 0 || res.BytesFetched != 0 || res.FilesUpToDate != 25 {
		t.Fatalf("second fetch: %+v, %v", res, err)
	}
}

// TestFetchCorruptMirrorBanned: a mirror that corrupts every chunk it
// sends costs time but writes nothing corrupt, and is banned.
func TestFetchCorruptMirrorBanned(t *testing.T) {
	corrupt := func(_ context.Context, _ *chunkReq, b []byte) { b[len(b)/2] ^= 0x40 }
	s := setup(t, nil, corrupt)
	dst := t.TempDir()
	res, err := s.fetch(t, dst, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := treeOf(t, dst), treeOf(t, s.odir); got != want {
		t.Fatalf("destination:\n%s\nwant:\n%s", got, want)
	}
	bad := sourceNamed(t, res, s.mirrors[1])
	if !bad.Banned || bad.Chunks != 0 || !strings.Contains(bad.Dropped, "failed verification") {
		t.Fatalf("corrupt mirror: %+v", bad)
	}
}

// TestFetchStalledMirrorDropped: a mirror that stops answering is dropped
// after the timeout and its chunks fetched elsewhere.
func TestFetchStalledMirrorDropped(t *testing.T) {
	stall := func(ctx context.Context, _ *chunkReq, _ []byte) { <-ctx.Done() }
	s := setup(t, stall)
	dst := t.TempDir()
	// Without the endgame, the origin cannot finish the stalled mirror's
	// chunks first: they wait for the timeout.
	res, err := Fetch(t.Context(), FetchOptions{Origin: s.osrc.addr, Mirrors: s.mirrors, Dial: dialTCP,
		Key: s.origin.Key(), Dest: dst, Timeout: 300 * time.Millisecond, SpoolDir: t.TempDir(), noEndgame: true})
	if err != nil {
		t.Fatalf("%v; sources %+v", err, res.Sources)
	}
	if got, want := treeOf(t, dst), treeOf(t, s.odir); got != want {
		t.Fatalf("destination:\n%s\nwant:\n%s", got, want)
	}
	st := sourceNamed(t, res, s.mirrors[0])
	if st.Banned || !strings.Contains(st.Dropped, "stalled") || st.Chunks != 0 {
		t.Fatalf("stalled mirror: %+v", st)
	}
}

// TestFetchOldGenerationMirrorNotUsed: a mirror still at the previous
// generation is not asked for anything.
func TestFetchOldGenerationMirrorNotUsed(t *testing.T) {
	s := setup(t, nil)
	old := s.mirrors[0]
	writeTree(t, s.odir, map[string]string{"dir/small": "changed on the origin\n"})
	dst := t.TempDir()
	res, err := s.fetch(t, dst, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := treeOf(t, dst), treeOf(t, s.odir); got != want {
		t.Fatalf("destination:\n%s\nwant:\n%s", got, want)
	}
	st := sourceNamed(t, res, old)
	if !strings.Contains(st.Skipped, "holds generation") || st.Chunks != 0 {
		t.Fatalf("old mirror: %+v", st)
	}
}

// TestMirrorAdoptRefusesOtherTree: a mirror whose tree differs from the
// manifest does not adopt it.
func TestMirrorAdoptRefusesOtherTree(t *testing.T) {
	s := setup(t)
	files := sampleTree()
	files["dir/small"] = "not the origin's\n"
	dir := t.TempDir()
	writeTree(t, dir, files)
	m, err := NewMirror(dir, s.origin.Key(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := adoptCurrent(t, s.origin, m); !errors.Is(err, ErrTreeDiffers) {
		t.Fatalf("Adopt = %v, want ErrTreeDiffers", err)
	}
	if g, _ := m.Current(t.Context()); g.ID != (Hash{}) {
		t.Fatalf("mirror serves %x", g.ID)
	}
}

// tamperedStore serves a manifest file of its own under a real
// generation's id.
type tamperedStore struct {
	*Origin
	g Generation
}

func (s tamperedStore) Current(context.Context) (Generation, error) { return s.g, nil }
func (s tamperedStore) Holds(Hash) (Generation, bool)               { return s.g, true }

// TestFetchTamperedManifestRefused: a manifest altered after signing, or
// signed by another key, is refused before anything is written.
func TestFetchTamperedManifestRefused(t *testing.T) {
	s := setup(t)
	g, err := s.origin.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(g.File)
	bad := filepath.Join(t.TempDir(), "bad.fsm")
	data[len(data)/3] ^= 1
	os.WriteFile(bad, data, 0o600)
	tg := g
	tg.File = bad
	src := serveSource(t, s.odir, tamperedStore{s.origin, tg}, nil)
	dst := filepath.Join(t.TempDir(), "dst")
	_, err = Fetch(t.Context(), FetchOptions{Origin: src.addr, Dial: dialTCP, Key: s.origin.Key(), Dest: dst, SpoolDir: t.TempDir()})
	if !errors.Is(err, ErrSignature) && !errors.Is(err, ErrManifest) {
		t.Fatalf("Fetch = %v, want a signature error", err)
	}
	if _, err := os.Stat(dst); !os.IsNotExist(err) {
		t.Fatalf("destination made: %v", err)
	}
	other := testKey(t, 9).Public().(ed25519.PublicKey)
	_, err = Fetch(t.Context(), FetchOptions{Origin: s.osrc.addr, Dial: dialTCP, Key: other, Dest: dst, SpoolDir: t.TempDir()})
	if !errors.Is(err, ErrWrongKey) {
		t.Fatalf("Fetch with another pinned key = %v, want ErrWrongKey", err)
	}
}

// TestFetchEndgameDuplicates: chunks stuck at a source that never answers
// are requested again from the others at the end, so the fetch does not
// wait for the (long) timeout; the stuck requests are cancelled.
func TestFetchEndgameDuplicates(t *testing.T) {
	stall := func(ctx context.Context, _ *chunkReq, _ []byte) { <-ctx.Done() }
	s := setup(t, stall, nil)
	dst := t.TempDir()
	res, err := s.fetch(t, dst, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := treeOf(t, dst), treeOf(t, s.odir); got != want {
		t.Fatalf("destination:\n%s\nwant:\n%s", got, want)
	}
	if st := sourceNamed(t, res, s.mirrors[0]); st.Chunks != 0 || st.Dropped != "" {
		t.Fatalf("stuck mirror: %+v", st)
	}
}

// TestFetchProgress: the progress callback ends with every byte done and
// each source's share.
func TestFetchProgress(t *testing.T) {
	s := setup(t, nil, nil)
	var last Progress
	calls := 0
	_, err := Fetch(t.Context(), FetchOptions{Origin: s.osrc.addr, Mirrors: s.mirrors, Dial: dialTCP, Key: s.origin.Key(),
		Dest: t.TempDir(), SpoolDir: t.TempDir(), Progress: func(p Progress) { last = p; calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, sp := range last.Sources {
		sum += sp.Bytes
	}
	if calls == 0 || last.Done != last.Total || last.Total == 0 || sum != last.Done || len(last.Sources) != 3 {
		t.Fatalf("%d calls, last %+v", calls, last)
	}
}

// TestMirrorRecheckDropsChangedTree: a mirror whose tree changes under
// its generation stops claiming it.
func TestMirrorRecheckDropsChangedTree(t *testing.T) {
	s := setup(t)
	m, dir := newTestMirror(t, s.origin, s.files)
	if g, _ := m.Current(t.Context()); g.ID == (Hash{}) {
		t.Fatal("mirror adopted nothing")
	}
	if err := m.Recheck(t.Context()); err != nil {
		t.Fatalf("Recheck of an unchanged tree: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "dir", "small"), []byte("edited on the mirror\n"), 0o644)
	if err := m.Recheck(t.Context()); !errors.Is(err, ErrTreeDiffers) {
		t.Fatalf("Recheck = %v, want ErrTreeDiffers", err)
	}
	if g, _ := m.Current(t.Context()); g.ID != (Hash{}) {
		t.Fatalf("mirror still claims %x", g.ID[:8])
	}
}

// TestFetchDeleteNothingWhenUnfetched: with Delete, a fetch whose only
// source is banned (files left unfetched) deletes nothing; a whole fetch
// deletes what the manifest does not list.
func TestFetchDeleteNothingWhenUnfetched(t *testing.T) {
	s := setup(t)
	corrupt := func(_ context.Context, _ *chunkReq, b []byte) { b[0] ^= 1 }
	bad := serveSource(t, s.odir, s.origin, corrupt)
	dst := t.TempDir()
	writeTree(t, dst, map[string]string{"extra": "x", "dir/extra": "y"})
	o := FetchOptions{Origin: bad.addr, Dial: dialTCP, Key: s.key.Public().(ed25519.PublicKey), Dest: dst,
		SpoolDir: t.TempDir(), Delete: true, NoNominations: true}
	if _, err := Fetch(t.Context(), o); !errors.Is(err, ErrNoSource) {
		t.Fatalf("error %v, want ErrNoSource", err)
	}
	for _, p := range []string{"extra", "dir/extra"} {
		if _, err := os.Stat(filepath.Join(dst, p)); err != nil {
			t.Fatalf("%s deleted by a fetch that failed: %v", p, err)
		}
	}
	o.Origin = s.osrc.addr
	res, err := Fetch(t.Context(), o)
	if err != nil || res.Deleted != 2 {
		t.Fatalf("whole fetch: deleted %d, %v", res.Deleted, err)
	}
	if got, want := treeOf(t, dst), treeOf(t, s.odir); got != want {
		t.Fatalf("destination:\n%s\nwant:\n%s", got, want)
	}
}

// TestFetchReusesShiftedData: a 1-byte insertion at the start of an 8 MiB
// file fetches one chunk: the others are found in the old file one byte
// off (weak checksums, then BLAKE3), the short last one too.
func TestFetchReusesShiftedData(t *testing.T) {
	data := make([]byte, 8<<20)
	rand.NewChaCha8([32]byte{1}).Read(data)
	odir := t.TempDir()
	writeTree(t, odir, map[string]string{"f": "X" + string(data)})
	key := testKey(t, 9)
	origin := newTestOrigin(t, odir, key)
	src := serveSource(t, odir, origin, nil)
	dst := t.TempDir()
	writeTree(t, dst, map[string]string{"f": string(data)})
	res, err := Fetch(t.Context(), FetchOptions{Origin: src.addr, Dial: dialTCP, Key: key.Public().(ed25519.PublicKey),
		Dest: dst, SpoolDir: t.TempDir(), NoNominations: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := treeOf(t, dst), treeOf(t, odir); got != want {
		t.Fatalf("destination differs")
	}
	if res.BytesFetched != ChunkSize || res.BytesReused != int64(len(data))+1-ChunkSize {
		t.Fatalf("fetched %d, reused %d; want one chunk fetched", res.BytesFetched, res.BytesReused)
	}
}

// TestFetchNewerManifestVersion: a well-signed manifest of a format
// version this reader does not know is refused with ErrVersion (which the
// CLI's swarm-by-default path turns into a normal sync), nothing written.
func TestFetchNewerManifestVersion(t *testing.T) {
	s := setup(t)
	g, err := s.origin.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(g.File)
	body := data[:len(data)-TrailerSize]
	binary.BigEndian.PutUint16(body[len(magic):], version+1)
	var gen Hash
	h := blake3.New()
	h.Write(body)
	h.Sum(gen[:0])
	newer := filepath.Join(t.TempDir(), "newer.fsm")
	os.WriteFile(newer, append(body, Trailer(s.key, gen)...), 0o600)
	tg := g
	tg.File, tg.ID = newer, gen
	src := serveSource(t, s.odir, tamperedStore{s.origin, tg}, nil)
	dst := filepath.Join(t.TempDir(), "dst")
	_, err = Fetch(t.Context(), FetchOptions{Origin: src.addr, Dial: dialTCP, Key: s.origin.Key(), Dest: dst, SpoolDir: t.TempDir()})
	if !errors.Is(err, ErrVersion) || !errors.Is(err, ErrManifest) {
		t.Fatalf("Fetch = %v, want ErrVersion", err)
	}
	if _, err := os.Stat(dst); !os.IsNotExist(err) {
		t.Fatalf("destination made: %v", err)
	}
}

// idleConn closes the connection when nothing arrives for timeout, as
// the daemon's idle timeout does.
type idleConn struct {
	net.Conn
	timeout time.Duration
}

func (c idleConn) Read(p []byte) (int, error) {
	c.Conn.SetReadDeadline(time.Now().Add(c.timeout))
	return c.Conn.Read(p)
}

// TestFetchKeepsReserveOrigin: the origin held as a reserve (mirrors
// serve everything) gets no request for the whole fetch; the client's
// keepalive keeps its idle timeout from closing it, so it stays a source
// (and counted as a fetcher) to the end.
func TestFetchKeepsReserveOrigin(t *testing.T) {
	old := keepaliveEvery
	keepaliveEvery = 50 * time.Millisecond
	t.Cleanup(func() { keepaliveEvery = old })
	s := setup(t)
	osrc := serveSourceOpts(t, s.odir, ServeOptions{Store: s.origin, wrap: func(c net.Conn) net.Conn {
		return idleConn{c, 200 * time.Millisecond}
	}})
	slow := func(ctx context.Context, _ *chunkReq, _ []byte) {
		select { // a slow mirror: the fetch outlasts the origin's idle timeout
		case <-time.After(40 * time.Millisecond):
		case <-ctx.Done():
		}
	}
	m, dir := newTestMirror(t, s.origin, s.files)
	mirror := serveSource(t, dir, m, slow)
	res, err := Fetch(t.Context(), FetchOptions{Origin: osrc.addr, Mirrors: []string{mirror.addr}, Dial: dialTCP,
		Key: s.key.Public().(ed25519.PublicKey), Dest: filepath.Join(t.TempDir(), "dst"), SpoolDir: t.TempDir(),
		noEndgame: true})
	if err != nil {
		t.Fatal(err)
	}
	if o := sourceNamed(t, res, osrc.addr); o.Dropped != "" || o.Chunks != 0 {
		t.Fatalf("origin %+v: want kept as an unused reserve", o)
	}
}

// countingStore counts the Holds calls on a mirror.
type countingStore struct {
	*Mirror
	holds *atomic.Int64
}

func (s countingStore) Holds(id Hash) (Generation, bool) {
	s.holds.Add(1)
	return s.Mirror.Holds(id)
}

// TestChunkHoldsAskedOnce: a source asks its store whether it holds the
// generation once for a run of chunk requests, not once per chunk (a
// stat of the manifest's file each time cost a mirror a tenth of its CPU
// on a tree of small files), and still refuses a generation it does not
// hold.
func TestChunkHoldsAskedOnce(t *testing.T) {
	files := map[string]string{}
	for i := range 200 {
		files[fmt.Sprintf("d/f%03d", i)] = strings.Repeat(fmt.Sprintf("file %d ", i), 10+i)
	}
	key := testKey(t, 7)
	odir := t.TempDir()
	writeTree(t, odir, files)
	origin := newTestOrigin(t, odir, key)
	osrc := serveSource(t, odir, origin, nil)
	m, mdir := newTestMirror(t, origin, files)
	var n atomic.Int64
	msrc := serveSource(t, mdir, countingStore{m, &n}, nil)
	dst := filepath.Join(t.TempDir(), "dst")
	res, err := Fetch(t.Context(), FetchOptions{Origin: osrc.addr, Mirrors: []string{msrc.addr}, Dial: dialTCP,
		Key: key.Public().(ed25519.PublicKey), Dest: dst, SpoolDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	served := sourceNamed(t, res, msrc.addr).Chunks
	if served < 100 {
		t.Fatalf("the mirror served %d chunks of 200", served)
	}
	if got := n.Load(); got > 5 {
		t.Errorf("the mirror's store was asked %d times for %d chunks", got, served)
	}

	// A generation it does not hold is refused at once.
	cl := dialClient(t, msrc.addr)
	defer cl.Close()
	content := files["d/f000"]
	for i, gen := range []Hash{cl.Info.Generation, {1}} {
		if err := cl.request(chunkReq{ID: uint32(i + 1), Gen: gen, Path: "d/f000", Length: uint32(len(content)),
			Hash: ChunkHash([]byte(content))}); err != nil {
			t.Fatal(err)
		}
		r, err := cl.readReply()
		if err != nil {
			t.Fatal(err)
		}
		if served := r.fail == nil; served != (i == 0) {
			t.Errorf("generation %x: served %v (fail %+v)", gen[:2], served, r.fail)
		}
	}
}
