package swarm

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/tree"
)

// FetchOptions configure Fetch. Sources are named by strings the caller's
// Dial understands (ferry:// URLs for the CLI).
type FetchOptions struct {
	Origin  string
	Mirrors []string
	// Dial opens a source's swarm service: a connection after READY.
	Dial func(ctx context.Context, source string) (net.Conn, error)
	// Key is the origin's pinned public key. With TrustOriginKey (an
	// origin reached over verified TLS), the key the origin tells is used
	// when Key is nil.
	Key            ed25519.PublicKey
	TrustOriginKey bool
	Dest           string // destination directory, created if missing
	// Sub is a path inside the module to fetch ("": all of it); with a
	// trailing slash its contents go into Dest, without one the entry
	// itself, by its last name (as the normal sync).
	Sub string
	// Delete removes the destination's entries the manifest does not
	// list, once every file was fetched and verified (nothing when any
	// failed); OnDelete, if set, is told each path removed, deepest
	// first, a directory's ending in "/".
	Delete   bool
	OnDelete func(path string)
	// Filter excludes manifest entries by their destination paths
	// (sender-side rules); Protect keeps destination entries from
	// deletion (receiver-side rules). Either may be nil.
	Filter, Protect *tree.Filter
	// DryRun reports what the fetch would change (OnChange: the
	// destination path and rsync's itemized change, "" for a deletion),
	// writes nothing and fetches no chunk.
	DryRun   bool
	OnChange func(path, item string)
	// Owner and Group set entries' owners and groups (the owner only as
	// root), mapped by name unless NumericIDs; Devices and Specials create
	// devices, FIFOs and sockets. Without them these are left as they are.
	Owner, Group, NumericIDs bool
	Devices, Specials        bool
	Timeout                  time.Duration // drop a source silent this long with requests in flight (0: 60s)
	SpoolDir                 string        // where the manifest is kept while in use ("": os.TempDir)
	// MaxManifest bounds the manifest's size (0: 16 GiB).
	MaxManifest int64

	// Progress, if set, is called about twice a second with each
	// source's bytes and rate, and once at the end (from one goroutine).
	Progress func(Progress)
	// NoNominations: without Mirrors, use the origin alone instead of the
	// live mirrors the origin nominates for its generation.
	NoNominations bool

	noEndgame bool // tests: no duplicate requests
}

// SourceStats tell what one source did.
type SourceStats struct {
	Name    string
	Kind    uint8  // KindOrigin or KindMirror; 0 if never reached
	Skipped string // why it was not used at all
	Dropped string // why it was dropped during the fetch
	Banned  bool   // it sent a chunk that failed verification
	Chunks  int
	Bytes   int64
	Rate    float64 // bytes a second while it was in use
}

// Result reports a fetch.
type Result struct {
	Generation    Hash
	Entries       int
	FilesUpToDate int
	FilesFetched  int
	BytesFetched  int64 // chunk bytes received and written
	BytesReused   int64 // chunk bytes taken from the destination's old files
	Deleted       int   // extraneous entries removed (Delete)
	Sources       []SourceStats
	// FileErrors are the files that could not be completed; each left
	// the destination's old file (if any) in place.
	FileErrors []error
	// ChunkMedian is the median time from a chunk's request to its
	// verified reply; Tail the time the last 1% of the bytes (at least
	// the last chunk) took.
	ChunkMedian, Tail time.Duration
}

// Errors of Fetch.
var (
	ErrNoKey = errors.New("ferry: swarm fetch needs the origin's public key (--swarm-key ed25519:HEX, as the origin's log shows it)")
	ErrStale = errors.New("ferry: the origin has no manifest")
)

// maxOpenFiles bounds the files assembled at once (descriptors, and the
// chunks queued).
const maxOpenFiles = 1024

// Fetch makes o.Dest a copy of the origin's tree: it fetches and verifies
// the origin's manifest, finds what the destination lacks (quick check,
// then chunk hashes of the old file), and fetches the missing chunks from
// the origin and every mirror that holds the same generation at once.
// Only chunks that verify are written; files are committed by rename when
// whole.
func Fetch(ctx context.Context, o FetchOptions) (*Result, error) {
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.MaxManifest <= 0 {
		o.MaxManifest = 16 << 30
	}
	res := &Result{}
	var originRead atomic.Int64
	oc, err := o.Dial(ctx, o.Origin)
	if err != nil {
		return nil, err
	}
	origin, err := NewClient(ctx, activityConn{oc, &originRead})
	if err != nil {
		oc.Close()
		return nil, fmt.Errorf("swarm origin %s: %w", o.Origin, err)
	}
	defer origin.Close()
	key := o.Key
	if key == nil && o.TrustOriginKey {
		key = ed25519.PublicKey(origin.Info.Key[:])
	}
	switch {
	case key == nil:
		return nil, ErrNoKey
	case !bytes.Equal(key, origin.Info.Key[:]):
		return nil, fmt.Errorf("swarm origin %s: %w (it has %s, pinned %s)", o.Origin, ErrWrongKey, FormatKey(origin.Info.Key[:]), FormatKey(key))
	case origin.Info.Generation == Hash{}:
		return nil, fmt.Errorf("swarm origin %s: %w", o.Origin, ErrStale)
	}
	gen := origin.Info.Generation
	res.Generation = gen
	spool, size, err := fetchManifest(ctx, origin, gen, key, o)
	if err != nil {
		return nil, fmt.Errorf("swarm origin %s: %w", o.Origin, err)
	}
	defer os.Remove(spool.Name())
	defer spool.Close()

	if o.DryRun {
		return res, dryRun(o, res, spool, size)
	}
	if len(o.Mirrors) == 0 && !o.NoNominations {
		ms, err := origin.Mirrors(ctx, gen)
		if err != nil {
			return nil, fmt.Errorf("swarm origin %s: mirror list: %w", o.Origin, err)
		}
		for _, m := range ms {
			o.Mirrors = append(o.Mirrors, m.Address)
		}
	}
	srcs := []*source{{name: o.Origin, cl: origin, inflight: map[uint32]*chunk{}, lastRead: &originRead}}
	stats := []SourceStats{{Name: o.Origin, Kind: KindOrigin}}
	for i, m := range connectMirrors(ctx, o, gen, key) {
		stats = append(stats, m.stats)
		if m.cl != nil {
			srcs = append(srcs, &source{name: o.Mirrors[i], cl: m.cl, inflight: map[uint32]*chunk{}, lastRead: m.lastRead})
		}
	}
	_, derr := os.Lstat(o.Dest)
	if err := fsys.MkdirTrusted(o.Dest, true, 0o755); err != nil {
		return nil, err
	}
	root, err := fsys.OpenTrusted(o.Dest)
	if err != nil {
		return nil, err
	}
	defer root.Close()

	// The origin serves only what no mirror can when mirrors hold the
	// generation: offloading it is the point of mirrors.
	srcs[0].reserve = len(srcs) > 1
	a := &assembler{root: root, res: res, sched: newSched(gen, o.Timeout), open: map[*fileJob]bool{}, sub: newSubpath(o.Sub),
		metaOptions: o.metaOptions()}
	if errors.Is(derr, fs.ErrNotExist) {
		a.fresh = map[string]bool{".": true}
	}
	if o.Delete {
		a.keep = map[string]bool{".": true}
	}
	a.filter, a.protect = o.Filter, o.Protect
	s := a.sched
	s.sources = srcs
	s.noEndgame = o.noEndgame
	s.fileDone = a.fileDone
	var wg sync.WaitGroup
	for _, src := range srcs {
		s.run(src, &wg)
	}
	watchDone := make(chan struct{})
	wg.Go(func() { s.watch(watchDone) })
	if o.Progress != nil {
		wg.Go(func() { s.report(o.Progress, watchDone) })
	}
	stop := context.AfterFunc(ctx, func() { s.cond.Broadcast() })
	defer stop()
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	perr := ForEach(spool, size, func(e *Entry) error {
		res.Entries++
		return a.plan(ctx, e)
	})
	s.mu.Lock()
	s.planned = true
	s.cond.Broadcast()
	for s.openFiles > 0 && s.err == nil && ctx.Err() == nil && perr == nil {
		s.cond.Wait()
	}
	s.over = true
	ferr := s.err
	s.mu.Unlock()
	s.cond.Broadcast()
	close(watchDone)
	for _, src := range srcs {
		src.cl.Close()
	}
	wg.Wait()
	a.abortOpen(ferr)
	if perr == nil && ferr == nil {
		perr = ctx.Err()
	}
	if perr == nil && ferr == nil {
		perr = a.dirMeta(spool, size)
	}
	if perr == nil && !a.matched {
		res.FileErrors = append(res.FileErrors, fmt.Errorf("%s: %w", o.Sub, fs.ErrNotExist))
	}
	if o.Delete && perr == nil && ferr == nil && len(res.FileErrors) == 0 {
		perr = a.deleteExtraneous(o.OnDelete)
	}
	for i, src := range srcs {
		st := &stats[0]
		if i > 0 {
			st = findStats(stats, src.name)
		}
		st.Kind, st.Chunks, st.Bytes = src.cl.Info.Kind, src.chunks, src.bytes
		res.BytesFetched += src.bytes
		if src.dead {
			st.Dropped, st.Banned = src.reason, src.banned
		}
		if el := src.last.Sub(src.first).Seconds(); el > 0 {
			st.Rate = float64(src.bytes) / el
		}
	}
	res.Sources = stats
	res.ChunkMedian = median(s.samples)
	if !s.tailStart.IsZero() {
		res.Tail = s.lastDone.Sub(s.tailStart)
	}
	if perr != nil {
		return res, perr
	}
	return res, ferr
}

func findStats(stats []SourceStats, name string) *SourceStats {
	for i := range stats {
		if stats[i].Name == name && stats[i].Skipped == "" {
			return &stats[i]
		}
	}
	return &SourceStats{}
}

// fetchManifest spools generation gen's manifest from cl to a temp file
// and verifies it; the file is returned open.
func fetchManifest(ctx context.Context, cl *Client, gen Hash, key ed25519.PublicKey, o FetchOptions) (*os.File, int64, error) {
	f, err := os.CreateTemp(o.SpoolDir, "ferry-swarm-*.fsm")
	if err != nil {
		return nil, 0, err
	}
	fail := func(err error) (*os.File, int64, error) {
		f.Close()
		os.Remove(f.Name())
		return nil, 0, err
	}
	size, err := cl.Manifest(ctx, gen, f, o.MaxManifest)
	if err != nil {
		return fail(fmt.Errorf("fetch manifest: %w", err))
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(err)
	}
	got, err := Verify(f, size, key)
	if err != nil {
		return fail(err)
	}
	if got != gen {
		return fail(fmt.Errorf("%w: manifest is generation %x, announced %x", ErrManifest, got[:8], gen[:8]))
	}
	// The header now, so that a manifest of a newer format is refused
	// before the destination is touched.
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(err)
	}
	if _, err := NewReader(f); err != nil {
		return fail(err)
	}
	return f, size, nil
}

// mirrorConn is a mirror's connection, or why it is not used.
type mirrorConn struct {
	cl       *Client
	lastRead *atomic.Int64
	stats    SourceStats
}

// connectMirrors reaches every mirror at once and keeps those that hold
// generation gen of the origin whose key is key.
func connectMirrors(ctx context.Context, o FetchOptions, gen Hash, key ed25519.PublicKey) []mirrorConn {
	out := make([]mirrorConn, len(o.Mirrors))
	var wg sync.WaitGroup
	for i, m := range o.Mirrors {
		wg.Go(func() {
			out[i].stats.Name = m
			c, err := o.Dial(ctx, m)
			if err != nil {
				out[i].stats.Skipped = err.Error()
				return
			}
			out[i].lastRead = new(atomic.Int64)
			cl, err := NewClient(ctx, activityConn{c, out[i].lastRead})
			if err != nil {
				c.Close()
				out[i].stats.Skipped = err.Error()
				return
			}
			out[i].stats.Kind = cl.Info.Kind
			switch {
			case !bytes.Equal(cl.Info.Key[:], key):
				out[i].stats.Skipped = "serves another origin's tree (key " + FormatKey(cl.Info.Key[:]) + ")"
			case cl.Info.Generation != gen:
				out[i].stats.Skipped = fmt.Sprintf("holds generation %s, not %s", short(cl.Info.Generation), short(gen))
			default:
				out[i].cl = cl
				return
			}
			cl.Close()
		})
	}
	wg.Wait()
	return out
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	return d[len(d)/2]
}

// short is a generation's first 8 bytes in hex, for messages.
func short(h Hash) string {
	if h == (Hash{}) {
		return "none"
	}
	return hex.EncodeToString(h[:8])
}
