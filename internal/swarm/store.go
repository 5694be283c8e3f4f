package swarm

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Kinds of source, told in INFO.
const (
	KindOrigin uint8 = 1 // builds and signs manifests
	KindMirror uint8 = 2 // re-serves an origin's manifest for the tree it holds
)

// Generation is one signed manifest held in a cache directory.
type Generation struct {
	ID   Hash   // BLAKE3-256 of the manifest body
	File string // body and trailer
	Size int64
}

// Store is what a swarm module serves: its current generation and the
// manifests it holds.
type Store interface {
	// Current returns the generation the module's tree is at now (zero
	// ID: none).
	Current(ctx context.Context) (Generation, error)
	// Holds returns a generation the store can serve chunks of.
	Holds(id Hash) (Generation, bool)
	// Key is the origin's public key.
	Key() ed25519.PublicKey
	// Kind is KindOrigin or KindMirror.
	Kind() uint8
}

// keepGenerations is how many manifests a cache keeps: the current one
// and a few before it, so that a client that fetched a manifest just
// before the tree changed can still be served by sources not yet moved on.
const keepGenerations = 4

// cache is a directory of manifests named by generation.
type cache struct{ dir string }

func (c cache) path(id Hash) string { return filepath.Join(c.dir, hex.EncodeToString(id[:])+".fsm") }

func (c cache) lookup(id Hash) (Generation, bool) {
	fi, err := os.Stat(c.path(id))
	if err != nil || !fi.Mode().IsRegular() {
		return Generation{}, false
	}
	return Generation{ID: id, File: c.path(id), Size: fi.Size()}, true
}

// add moves the temp file tmp into the cache as generation id and drops
// the oldest manifests beyond keepGenerations.
func (c cache) add(tmp string, id Hash) (Generation, error) {
	now := time.Now()
	if err := os.Rename(tmp, c.path(id)); err != nil {
		return Generation{}, err
	}
	os.Chtimes(c.path(id), now, now)
	c.prune(id)
	g, ok := c.lookup(id)
	if !ok {
		return g, fmt.Errorf("swarm cache %s: generation vanished", c.dir)
	}
	return g, nil
}

func (c cache) prune(keep Hash) {
	ms, _ := filepath.Glob(filepath.Join(c.dir, "*.fsm"))
	type aged struct {
		p string
		t time.Time
	}
	var all []aged
	for _, p := range ms {
		if fi, err := os.Stat(p); err == nil && p != c.path(keep) {
			all = append(all, aged{p, fi.ModTime()})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].t.After(all[j].t) })
	for i := keepGenerations - 1; i < len(all); i++ {
		os.Remove(all[i].p)
	}
}

// Origin is the store of a module with swarm = true and a swarm_key: it
// builds a signed manifest of the tree whenever the tree's stamp changes.
type Origin struct {
	// config
	module string
	dir    string // the module path
	key    ed25519.PrivateKey
	cache  cache

	mu    sync.Mutex // guards the fields that follow; held while scanning and building
	stamp Hash
	cur   Generation
	// walked is the number of the scan that gave stamp and cur; scans
	// counts the scans begun. A caller takes the count as it arrives:
	// a scan numbered above it began after it arrived, so its result is
	// as fresh as one of its own (clients arriving together share one
	// scan instead of queueing one each).
	walked int64
	scans  atomic.Int64
	// watch has watched the tree's directories since the scan that began
	// at scannedAt: while it saw nothing, and for at most maxUnscanned
	// (changes inotify cannot see: writes through mmap, other hosts on a
	// network file system), that scan still holds. nil: none yet, or
	// noWatch (inotify missing, or out of watches): scan every time.
	watch       *treeWatch
	noWatch     bool
	scannedAt   time.Time
	watchedRoot [2]uint64 // rootID of the tree the watch is on

	arrived func() // tests: called once a caller took its count
}

// maxUnscanned is how long an origin trusts its tree watch without a
// scan.
const maxUnscanned = 10 * time.Second

// maxWatchedDirs bounds the inotify watches one origin takes (they count
// against the user's fs.inotify.max_user_watches, which other programs
// share): a bigger tree is scanned at every INFO.
const maxWatchedDirs = 1 << 16

// NewOrigin returns the store of module at dir, signing with key and
// caching manifests in cacheDir (created if missing).
func NewOrigin(module, dir string, key ed25519.PrivateKey, cacheDir string) (*Origin, error) {
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return nil, fmt.Errorf("swarm cache: %w", err)
	}
	return &Origin{module: module, dir: dir, key: key, cache: cache{cacheDir}}, nil
}

// Key implements Store.
func (o *Origin) Key() ed25519.PublicKey { return o.key.Public().(ed25519.PublicKey) }

// Kind implements Store.
func (o *Origin) Kind() uint8 { return KindOrigin }

// Holds implements Store.
func (o *Origin) Holds(id Hash) (Generation, bool) { return o.cache.lookup(id) }

// Current implements Store: it stats the tree (no file is read when
// nothing changed) and builds a new manifest when the stamp differs.
func (o *Origin) Current(ctx context.Context) (Generation, error) {
	root, err := os.OpenRoot(o.dir)
	if err != nil {
		return Generation{}, err
	}
	defer root.Close()
	id, err := rootID(root)
	if err != nil {
		return Generation{}, err
	}
	arrival := o.scans.Load()
	if o.arrived != nil {
		o.arrived()
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.walked > arrival && o.cur.ID != (Hash{}) {
		if g, ok := o.cache.lookup(o.cur.ID); ok {
			return g, nil // scanned (and built) since this call arrived
		}
	}
	if o.watch != nil && o.cur.ID != (Hash{}) && id == o.watchedRoot && time.Since(o.scannedAt) < maxUnscanned && !o.watch.changed() {
		if g, ok := o.cache.lookup(o.cur.ID); ok {
			return g, nil // nothing changed since the last scan
		}
	}
	// The watch is kept only with the generation its scan gave: after a
	// failure nothing vouches for the current generation.
	w := o.watch
	o.watch = nil
	if w == nil && !o.noWatch {
		w = newTreeWatch()
	}
	if w != nil {
		w.changed() // what the scan will see anyway
	}
	scan := o.scans.Add(1)
	start := time.Now()
	watching, dirs := w != nil, 0
	st, err := stamp(ctx, root, func(fd int) {
		if dirs++; watching && (dirs > maxWatchedDirs || w.add(fd) != nil) {
			watching = false // out of watches, or too many to take: scan every time
		}
	})
	if w != nil && !watching {
		w.close()
		w, o.noWatch = nil, true
	}
	var g Generation
	if err != nil {
		err = fmt.Errorf("swarm: scan %s: %w", o.module, err)
	} else {
		g, err = o.settle(ctx, root, st, scan)
	}
	if err != nil {
		if w != nil {
			w.close()
		}
		return Generation{}, err
	}
	o.watch, o.watchedRoot, o.scannedAt = w, id, start
	return g, nil
}

// settle makes the generation of a scan's stamp st current: the current
// one when the stamp did not change, a new manifest otherwise.
func (o *Origin) settle(ctx context.Context, root *os.Root, st Hash, scan int64) (Generation, error) {
	if st == o.stamp && o.cur.ID != (Hash{}) {
		if g, ok := o.cache.lookup(o.cur.ID); ok {
			o.walked = scan
			return g, nil
		}
	}
	f, err := os.CreateTemp(o.cache.dir, ".build-*")
	if err != nil {
		return Generation{}, err
	}
	defer os.Remove(f.Name())
	id, err := o.build(ctx, root, f)
	if err == nil {
		_, err = f.Write(Trailer(o.key, id))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Generation{}, fmt.Errorf("swarm: build manifest of %s: %w", o.module, err)
	}
	g, err := o.cache.add(f.Name(), id)
	if err != nil {
		return g, err
	}
	// The stamp taken before building: a change during the build makes
	// the next call build again.
	o.stamp, o.cur, o.walked = st, g, scan
	return g, nil
}

// rootID returns the device and inode of root's directory: another one at
// the module's path (a symlink swapped, a mount) is another tree.
func rootID(root *os.Root) ([2]uint64, error) {
	fi, err := root.Stat(".")
	if err != nil {
		return [2]uint64{}, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return [2]uint64{}, nil
	}
	return [2]uint64{uint64(st.Dev), st.Ino}, nil
}

// build writes a new manifest body to f, reusing the hashes of the
// current generation's manifest for unchanged files.
func (o *Origin) build(ctx context.Context, root *os.Root, f *os.File) (Hash, error) {
	var prev *Reader
	if g, ok := o.cache.lookup(o.cur.ID); ok && o.cur.ID != (Hash{}) {
		if pf, err := os.Open(g.File); err == nil {
			defer pf.Close()
			if r, err := NewReader(&io.LimitedReader{R: pf, N: g.Size - TrailerSize}); err == nil {
				prev = r
			}
		}
	}
	return BuildFrom(ctx, root, o.module, time.Now().UnixNano(), f, prev)
}

// Mirror is the store of a module that holds a copy of an origin's tree
// (mirror_of): it serves the origin's manifest it adopted, and chunks of
// its tree for that generation.
type Mirror struct {
	// config
	dir   string
	pub   ed25519.PublicKey
	cache cache

	mu  sync.Mutex // guards cur
	cur Generation
}

// NewMirror returns the store of a mirror of the origin whose key is pub,
// holding its tree at dir and manifests in cacheDir.
func NewMirror(dir string, pub ed25519.PublicKey, cacheDir string) (*Mirror, error) {
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return nil, fmt.Errorf("swarm cache: %w", err)
	}
	return &Mirror{dir: dir, pub: pub, cache: cache{cacheDir}}, nil
}

// Key implements Store.
func (m *Mirror) Key() ed25519.PublicKey { return m.pub }

// Kind implements Store.
func (m *Mirror) Kind() uint8 { return KindMirror }

// Holds implements Store: only the adopted generation.
func (m *Mirror) Holds(id Hash) (Generation, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id != m.cur.ID || id == (Hash{}) {
		return Generation{}, false
	}
	return m.cache.lookup(id)
}

// Current implements Store.
func (m *Mirror) Current(context.Context) (Generation, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cur, nil
}

// ErrTreeDiffers reports a mirror whose tree does not match a manifest.
var ErrTreeDiffers = errors.New("ferry: the mirror's tree differs from the manifest")

// Adopt verifies the manifest in file tmp (signature by the origin's key),
// checks that the mirror's tree matches it (quick check: every entry's
// type, size and mtime), and if so moves it into the cache and serves it
// as the current generation. A tree that does not match leaves the
// current generation as it was (ErrTreeDiffers).
func (m *Mirror) Adopt(ctx context.Context, tmp string) (Generation, error) {
	f, err := os.Open(tmp)
	if err != nil {
		return Generation{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Generation{}, err
	}
	id, err := Verify(f, fi.Size(), m.pub)
	if err != nil {
		return Generation{}, err
	}
	m.mu.Lock()
	same := id == m.cur.ID
	m.mu.Unlock()
	if same {
		os.Remove(tmp)
		return m.Current(ctx)
	}
	if err := m.matches(ctx, f, fi.Size()); err != nil {
		return Generation{}, err
	}
	g, err := m.cache.add(tmp, id)
	if err != nil {
		return g, err
	}
	m.mu.Lock()
	m.cur = g
	m.mu.Unlock()
	return g, nil
}

// Recheck drops the current generation when the tree no longer matches
// it (a mirror whose tree was changed under it).
func (m *Mirror) Recheck(ctx context.Context) error {
	g, _ := m.Current(ctx)
	if g.ID == (Hash{}) {
		return nil
	}
	f, err := os.Open(g.File)
	if err == nil {
		defer f.Close()
		err = m.matches(ctx, f, g.Size)
	}
	if err != nil {
		m.mu.Lock()
		m.cur = Generation{}
		m.mu.Unlock()
	}
	return err
}

// matches quick-checks the tree against the verified manifest in f.
func (m *Mirror) matches(ctx context.Context, f *os.File, size int64) error {
	root, err := os.OpenRoot(m.dir)
	if err != nil {
		return err
	}
	defer root.Close()
	if _, err := f.Seek(0, 0); err != nil {
		return err
	}
	return ForEach(f, size, func(en *Entry) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if en.Type > TypeSymlink {
			return nil // devices and specials: a mirror serves chunks, it makes none
		}
		fi, err := root.Lstat(en.Path)
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrTreeDiffers, en.Path, err)
		}
		if !sameQuick(en, fi) {
			return fmt.Errorf("%w: %s", ErrTreeDiffers, en.Path)
		}
		return nil
	})
}
