package session

import (
	"context"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferrysync/ferry/internal/tree"
	"golang.org/x/sys/unix"
)

// Prefetching. The walks of a pass (the sender's of the sources, the
// receiver's of the destination) stat one entry at a time; on a cold cache
// each stat waits for the disk, one request at a time. A prefetcher walks
// the same tree ahead of them with several goroutines, reading directories
// and stat-ing entries concurrently, so the disk sees many requests at
// once and the ordered walk then finds the inodes in memory. Its results
// are kept, up to a bound, in a statCache the ordered walk takes them
// from (tree.WalkOptions.Stats), so that a cold run stats each entry
// once; what does not fit is thrown away, having warmed the kernel's
// caches all the same.
//
// When the first stats come back at memory speed the cache is warm and the
// prefetcher stops, so a warm run pays for a few hundred stats only. The
// test counts slow stats rather than averaging: on a cold cache one disk
// read brings in a block of neighbouring inodes, so most stats are fast
// even then.

const (
	prefetchWorkers = 8
	// prefetchProbe stats are timed before deciding the cache is warm.
	prefetchProbe = 256
	// prefetchSlow is a stat that waited for the disk; prefetchCold of
	// them among the probe's mean a cold cache.
	prefetchSlow = 100 * time.Microsecond
	prefetchCold = 8
)

// prefetcher is one background warm-up of a tree.
type prefetcher struct {
	root   *os.Root
	ctx    context.Context
	cancel context.CancelFunc
	probe  int
	done   chan struct{} // closed when every worker has returned
	stats  *statCache    // what it stat-ed, for the ordered walk
	// halted is stop, readable without the lock (checked per entry);
	// probing is true until the probe has decided.
	halted, probing atomic.Bool

	// mu guards the fields that follow.
	mu     sync.Mutex
	cond   sync.Cond
	stack  []string // directories to read, next last
	busy   int      // workers reading a directory
	probed int      // stats timed so far
	slow   int      // of which slow
	stop   bool
	dirs   int // directories read, for tests
}

// startPrefetch warms the caches for a walk of start ("." for the whole
// tree) in root; stop it with stopAndWait, and give its stats to the walk.
func startPrefetch(ctx context.Context, root *os.Root, start string) *prefetcher {
	return newPrefetcher(ctx, root, start, prefetchProbe)
}

// newPrefetcher starts a prefetcher; probe is the number of stats timed
// before deciding the cache is warm (0: never decide).
func newPrefetcher(ctx context.Context, root *os.Root, start string, probe int) *prefetcher {
	ctx, cancel := context.WithCancel(ctx)
	p := &prefetcher{root: root, ctx: ctx, cancel: cancel, stack: []string{start}, probe: probe, done: make(chan struct{}),
		stats: newStatCache(statCacheMax)}
	p.probing.Store(probe > 0)
	p.cond.L = &p.mu
	var wg sync.WaitGroup
	for range prefetchWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.work()
		}()
	}
	go func() {
		<-ctx.Done()
		p.mu.Lock()
		p.stop = true
		p.halted.Store(true)
		p.cond.Broadcast()
		p.mu.Unlock()
	}()
	go func() {
		wg.Wait()
		close(p.done)
	}()
	return p
}

// stopAndWait stops the prefetcher and waits for its goroutines.
func (p *prefetcher) stopAndWait() {
	p.cancel()
	<-p.done
}

func (p *prefetcher) work() {
	for {
		p.mu.Lock()
		for len(p.stack) == 0 && p.busy > 0 && !p.stop {
			p.cond.Wait()
		}
		if p.stop || len(p.stack) == 0 {
			p.stop = true // nothing left: wake the others to leave too
			p.cond.Broadcast()
			p.mu.Unlock()
			return
		}
		dir := p.stack[len(p.stack)-1]
		p.stack = p.stack[:len(p.stack)-1]
		p.busy++
		p.dirs++
		p.mu.Unlock()

		subdirs := p.readDir(dir)

		p.mu.Lock()
		p.busy--
		// Pushed in reverse order, so that the first in canonical order
		// comes out first and the prefetcher stays just ahead of the walk.
		for i := len(subdirs) - 1; i >= 0; i-- {
			p.stack = append(p.stack, subdirs[i])
		}
		p.cond.Broadcast()
		p.mu.Unlock()
	}
}

// readDir reads dir, stats its entries and returns its subdirectories.
func (p *prefetcher) readDir(dir string) []string {
	f, err := p.root.OpenFile(dir, os.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW, 0)
	if err != nil {
		return nil
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return nil
	}
	var subdirs []string
	rc, err := f.SyscallConn() // the descriptor without os.File's fcntl
	if err != nil {
		return nil
	}
	rc.Control(func(fd uintptr) { subdirs = p.statDir(int(fd), dir, names) })
	return subdirs
}

// statDir stats the entries names of the open directory fd (the tree's
// dir), keeps the results for the walk and returns the subdirectories.
func (p *prefetcher) statDir(fd int, dir string, names []string) []string {
	var dst unix.Stat_t
	if unix.Fstat(fd, &dst) != nil {
		return nil
	}
	slices.SortFunc(names, func(a, b string) int { return tree.Compare(a, b) })
	var subdirs []string
	all := make([]unix.Stat_t, len(names))
	got := make(map[string]*unix.Stat_t, len(names))
	for i, name := range names {
		if p.halted.Load() {
			return nil
		}
		st := &all[i]
		probing := p.probing.Load() // no clock reads once decided
		var t0 time.Time
		if probing {
			t0 = time.Now()
		}
		if unix.Fstatat(fd, name, st, unix.AT_SYMLINK_NOFOLLOW) != nil {
			continue
		}
		if probing && !p.timed(time.Since(t0)) {
			return nil
		}
		got[name] = st
		if st.Mode&unix.S_IFMT == unix.S_IFDIR {
			sub := name
			if dir != "." {
				sub = dir + "/" + name
			}
			subdirs = append(subdirs, sub)
		}
	}
	p.stats.put(tree.DirKey{Dev: uint64(dst.Dev), Ino: dst.Ino, MTime: dst.Mtim.Sec*1e9 + dst.Mtim.Nsec}, got)
	return subdirs
}

// statCacheMax bounds the stat results a prefetcher keeps for its walk
// (about 200 bytes each).
const statCacheMax = 32 << 10

// statCache holds a prefetcher's stat results until the ordered walk takes
// them (tree.StatSource). When full, it keeps no more: the prefetcher runs
// ahead in about the walk's order, so what it holds is what the walk needs
// next, and what does not fit the walk stats itself (warm by then).
type statCache struct {
	max int
	// mu guards the fields that follow.
	mu   sync.Mutex
	dirs map[tree.DirKey]map[string]*unix.Stat_t
	n    int // results held
}

func newStatCache(max int) *statCache {
	return &statCache{max: max, dirs: map[tree.DirKey]map[string]*unix.Stat_t{}}
}

// put keeps the results of one directory if they fit.
func (c *statCache) put(k tree.DirKey, stats map[string]*unix.Stat_t) {
	if len(stats) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.dirs[k]; ok {
		c.n -= len(old)
		delete(c.dirs, k)
	}
	if c.n+len(stats) > c.max {
		return
	}
	c.dirs[k] = stats
	c.n += len(stats)
}

// TakeDir implements tree.StatSource.
func (c *statCache) TakeDir(k tree.DirKey) map[string]*unix.Stat_t {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.dirs[k]
	if s != nil {
		delete(c.dirs, k)
		c.n -= len(s)
	}
	return s
}

// timed records one stat's duration during the probe; it reports false
// once the probe finds the cache warm (and stops the prefetcher).
func (p *prefetcher) timed(d time.Duration) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stop {
		return false
	}
	if p.probed >= p.probe {
		return true
	}
	p.probed++
	if d >= prefetchSlow {
		p.slow++
	}
	if p.probed == p.probe {
		p.probing.Store(false)
		if p.slow < prefetchCold {
			p.stop = true
			p.halted.Store(true)
			p.cond.Broadcast()
			return false
		}
	}
	return true
}
