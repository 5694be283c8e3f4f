package tree

import (
	"container/heap"
	"context"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// Reading ahead. A walk reads one directory and stats one entry at a time;
// on a cold cache each stat waits for the disk, one request at a time. A
// Prefetcher reads the same tree ahead of the walk with several goroutines,
// so the disk sees many requests at once, and hands each directory's sorted
// names and lstat results to the walk (WalkOptions.Dirs), so that a cold
// run reads each directory and stats each entry once.
//
// Its workers take the directories in canonical order, the order the walk
// needs them in. A directory the walk reaches while a worker reads it is
// waited for; one no worker has started is read by the walk itself,
// through the Prefetcher, which queues its subdirectories for the workers.
// The results the walk has not taken yet are bounded (prefetchHold
// entries): the workers wait for the walk beyond that.
//
// When the first stats come back at memory speed the cache is warm and the
// workers stop, so a warm run pays for a few hundred stats only. The probe
// counts slow stats rather than averaging: on a cold cache one disk read
// brings in a block of neighbouring inodes, so most stats are fast even
// then.

const (
	prefetchWorkers = 8
	// prefetchProbe stats are timed before deciding the cache is warm.
	prefetchProbe = 256
	// prefetchSlow is a stat that waited for the disk; prefetchCold of
	// them among the probe's mean a cold cache.
	prefetchSlow = 100 * time.Microsecond
	prefetchCold = 8
	// prefetchHold bounds the entries read ahead and not yet taken by the
	// walk (an lstat result is 144 bytes); a larger directory is read and
	// stat-ed to warm the caches, but the walk reads it again itself.
	prefetchHold = 32 << 10
)

// OnCold, if not nil, is called when a Prefetcher's probe finds the cache
// cold, from one of its goroutines (once per Prefetcher; it must be safe
// for concurrent use). A program may use it to run more threads while its
// walks wait for the disk; set it before starting any Prefetcher.
var OnCold func()

// DirSource supplies directories read ahead of a walk (a *Prefetcher). It
// must be safe for concurrent use.
type DirSource interface {
	// ReadDir returns the names of the directory open as fd, which is in
	// state key, sorted byte-wise, with their lstat results (stats[i] is
	// names[i]'s; a zero Mode where there is none). It may read the
	// directory through fd, or wait for a read under way. ok is false when
	// it has nothing for the directory in this state; fd's offset is then
	// unspecified.
	ReadDir(key DirKey, fd int) (names []string, stats []unix.Stat_t, ok bool)
	// Skip tells the source that the walk will not read the directory in
	// state key (an excluded directory, or SkipDir).
	Skip(key DirKey)
}

// dirState is where a directory is in a Prefetcher.
type dirState uint8

const (
	dirQueued dirState = iota
	dirReading
	dirRead
)

// aheadDir is one directory a Prefetcher knows of.
type aheadDir struct {
	path    string // in the root
	key     DirKey // as its parent's lstat saw it: the walk asks by it
	state   dirState
	skipped bool          // the walk will not read it: drop it once read
	done    chan struct{} // closed once read
	// Set once read:
	ok    bool   // names read
	read  DirKey // the directory's state when read (fstat)
	names []string
	stats []unix.Stat_t
	held  int         // entries counted in Prefetcher.held
	subs  []*aheadDir // its subdirectories, queued
}

// Prefetcher reads a tree ahead of its walk; see DirSource.
type Prefetcher struct {
	root      *os.Root
	start     string
	startFD   int // the start directory, which the workers open directories from (-1: none)
	recursive bool
	cancel    context.CancelFunc
	probe     int
	hold      int           // prefetchHold, smaller in tests
	done      chan struct{} // closed when every worker has returned
	bufs      sync.Pool     // getdents buffers (*[]byte)
	closeOnce sync.Once     // closes startFD
	// halted is stop, readable without the lock (checked per entry);
	// probing is true until the probe has decided; noOpenat2 once the
	// kernel refused openat2.
	halted, probing, noOpenat2 atomic.Bool

	// mu guards the fields that follow.
	mu     sync.Mutex
	cond   sync.Cond
	queue  dirQueue // queued directories, the first in canonical order first
	byKey  map[DirKey]*aheadDir
	held   int // entries read and not taken
	busy   int // directories being read
	probed int // stats timed so far
	slow   int // of which slow
	stop   bool
	reads  int // directories read, for tests
}

// StartPrefetch reads the tree below start ("." for the whole tree) in root
// ahead of a walk (only start itself unless recursive); hand it to the walk
// as WalkOptions.Dirs and Stop it when the walk is done.
func StartPrefetch(ctx context.Context, root *os.Root, start string, recursive bool) *Prefetcher {
	return newPrefetcher(ctx, root, start, recursive, prefetchProbe, prefetchHold)
}

// newPrefetcher starts a Prefetcher; probe is the number of stats timed
// before deciding the cache is warm (0: never decide), hold the bound on
// the entries held for the walk.
func newPrefetcher(ctx context.Context, root *os.Root, start string, recursive bool, probe, hold int) *Prefetcher {
	ctx, cancel := context.WithCancel(ctx)
	p := &Prefetcher{root: root, start: start, startFD: -1, recursive: recursive, cancel: cancel, probe: probe, hold: hold, done: make(chan struct{}),
		byKey: map[DirKey]*aheadDir{}}
	p.bufs.New = func() any { b := make([]byte, 64<<10); return &b }
	p.probing.Store(probe > 0)
	p.cond.L = &p.mu
	if f, err := root.OpenFile(start, os.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW, 0); err == nil {
		var st unix.Stat_t
		if fd, err := dupFile(f); err == nil {
			if unix.Fstat(fd, &st) == nil {
				p.startFD = fd
				p.add(start, &st)
			} else {
				unix.Close(fd)
			}
		}
		f.Close()
	}
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
		p.halt()
		p.mu.Unlock()
	}()
	go func() {
		wg.Wait()
		close(p.done)
	}()
	return p
}

// Stop stops the workers and waits for them. It may be called more than
// once.
func (p *Prefetcher) Stop() {
	p.cancel()
	<-p.done
	p.closeOnce.Do(func() {
		if p.startFD >= 0 {
			unix.Close(p.startFD)
		}
	})
}

// halt stops the workers; p.mu is held.
func (p *Prefetcher) halt() {
	p.stop = true
	p.halted.Store(true)
	p.cond.Broadcast()
}

// add queues the start directory path, whose stat is st.
func (p *Prefetcher) add(path string, st *unix.Stat_t) {
	d := &aheadDir{path: path, key: keyOf(st), done: make(chan struct{})}
	p.byKey[d.key] = d
	heap.Push(&p.queue, d)
}

func keyOf(st *unix.Stat_t) DirKey {
	return DirKey{Dev: uint64(st.Dev), Ino: st.Ino, MTime: st.Mtim.Sec*1e9 + st.Mtim.Nsec}
}

func (p *Prefetcher) work() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		// Wait while there is nothing to take but more may come, or the
		// walk has not taken enough of what was read.
		for !p.stop && (len(p.queue) == 0 && p.busy > 0 || len(p.queue) > 0 && p.held >= p.hold) {
			p.cond.Wait()
		}
		if p.stop || len(p.queue) == 0 {
			p.halt() // nothing left: wake the others to leave too
			return
		}
		d := heap.Pop(&p.queue).(*aheadDir)
		if d.state != dirQueued || d.skipped {
			continue // the walk read it, or will not
		}
		d.state = dirReading
		p.busy++
		p.reads++
		p.mu.Unlock()
		if fd, err := p.open(d.path); err == nil {
			p.readDir(d, fd)
			unix.Close(fd)
		}
		p.mu.Lock()
		p.busy--
		p.finish(d, true)
	}
}

// open opens the directory path (in the root, below the start) from the
// start, never following a symlink: with one openat2 where the kernel has
// it, else one component at a time.
func (p *Prefetcher) open(path string) (int, error) {
	rel := path
	if p.start != "." {
		rel = "."
		if path != p.start {
			rel = path[len(p.start)+1:]
		}
	}
	if !p.noOpenat2.Load() {
		fd, err := unix.Openat2(p.startFD, rel, &unix.OpenHow{
			Flags:   unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC,
			Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
		})
		switch err {
		case nil:
			return fd, nil
		case unix.ENOSYS, unix.EPERM, unix.EINVAL: // no openat2 here (or filtered)
			p.noOpenat2.Store(true)
		case unix.EAGAIN: // a rename raced with it: the slow way, this once
		default:
			return -1, err
		}
	}
	fd, err := unix.FcntlInt(uintptr(p.startFD), unix.F_DUPFD_CLOEXEC, 0)
	for rest := rel; err == nil && rest != "."; {
		name, tail, more := strings.Cut(rest, "/")
		next, oerr := openDirAt(fd, name)
		unix.Close(fd)
		fd, err = next, oerr
		if !more {
			break
		}
		rest = tail
	}
	return fd, err
}

// readDir reads the directory d, open as fd: its state, names and their
// lstat results. It runs without p.mu.
func (p *Prefetcher) readDir(d *aheadDir, fd int) {
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil {
		return
	}
	d.read = keyOf(&st)
	buf := p.bufs.Get().(*[]byte)
	names, err := readNames(fd, d.path, *buf)
	p.bufs.Put(buf)
	if err != nil {
		return // the walk reads it again and reports the error
	}
	var stats []unix.Stat_t
	var one unix.Stat_t
	if len(names) <= p.hold/2 {
		stats = make([]unix.Stat_t, len(names))
	}
	for i, name := range names {
		if p.halted.Load() {
			break // the walk stats the rest itself
		}
		s := &one
		if stats != nil {
			s = &stats[i]
		}
		probing := p.probing.Load() // no clock reads once decided
		var t0 time.Time
		if probing {
			t0 = time.Now()
		}
		if unix.Fstatat(fd, name, s, unix.AT_SYMLINK_NOFOLLOW) != nil {
			*s = unix.Stat_t{}
			continue
		}
		if probing {
			p.timed(time.Since(t0))
		}
		if p.recursive && s.Mode&unix.S_IFMT == unix.S_IFDIR {
			d.subs = append(d.subs, &aheadDir{path: Join(d.path, name), key: keyOf(s)})
		}
	}
	if stats == nil {
		names = nil // too large to hold: warmed only
	}
	d.names, d.stats, d.ok = names, stats, names != nil
}

// finish publishes the directory d once read; held says whether its
// entries count against prefetchHold until the walk takes them (not when
// the walk read it itself). p.mu is held.
func (p *Prefetcher) finish(d *aheadDir, held bool) {
	d.state = dirRead
	if d.skipped || p.stop && held {
		d.names, d.stats, d.ok = nil, nil, false // the walk will not take them
	}
	if d.skipped || p.stop {
		d.subs = nil // no worker to read them
	}
	for _, s := range d.subs {
		s.done = make(chan struct{})
		p.byKey[s.key] = s
		heap.Push(&p.queue, s)
	}
	if held && !d.skipped {
		d.held = len(d.names)
		p.held += d.held
	}
	close(d.done)
	p.cond.Broadcast()
}

// ReadDir implements DirSource.
func (p *Prefetcher) ReadDir(key DirKey, fd int) ([]string, []unix.Stat_t, bool) {
	p.mu.Lock()
	d := p.byKey[key]
	if d == nil {
		p.mu.Unlock()
		return nil, nil, false
	}
	delete(p.byKey, key)
	switch d.state {
	case dirQueued: // no worker got to it: read it here
		d.state = dirReading
		p.busy++
		p.reads++
		p.mu.Unlock()
		p.readDir(d, fd)
		p.mu.Lock()
		p.busy--
		p.finish(d, false)
	case dirReading:
		p.mu.Unlock()
		<-d.done
		p.mu.Lock()
	}
	p.held -= d.held
	d.held = 0
	p.cond.Broadcast()
	p.mu.Unlock()
	if !d.ok || d.read != key {
		return nil, nil, false
	}
	return d.names, d.stats, true
}

// Skip implements DirSource.
func (p *Prefetcher) Skip(key DirKey) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if d := p.byKey[key]; d != nil {
		p.drop(d)
	}
}

// drop forgets d and what was queued below it; p.mu is held.
func (p *Prefetcher) drop(d *aheadDir) {
	if p.byKey[d.key] == d {
		delete(p.byKey, d.key)
	}
	d.skipped = true // queued: not read; being read: dropped by finish
	if d.state != dirRead {
		return
	}
	p.held -= d.held
	d.held = 0
	d.names, d.stats = nil, nil
	for _, s := range d.subs {
		p.drop(s)
	}
	d.subs = nil
	p.cond.Broadcast()
}

// Pending returns how many directories the Prefetcher has queued or read
// that no walk has taken or skipped yet: after a whole walk, none, unless
// the tree changed under it.
func (p *Prefetcher) Pending() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.byKey)
}

// timed records one stat's duration during the probe; once the probe has
// decided, it halts the workers if the cache is warm and calls OnCold if
// it is cold.
func (p *Prefetcher) timed(d time.Duration) {
	p.mu.Lock()
	if p.probed >= p.probe {
		p.mu.Unlock()
		return
	}
	p.probed++
	if d >= prefetchSlow {
		p.slow++
	}
	cold := false
	if p.probed == p.probe {
		p.probing.Store(false)
		if p.slow < prefetchCold {
			p.halt()
		} else {
			cold = true
		}
	}
	p.mu.Unlock()
	if cold && OnCold != nil {
		OnCold()
	}
}

// dirQueue is a heap of directories, the first in canonical order first.
type dirQueue []*aheadDir

func (q dirQueue) Len() int           { return len(q) }
func (q dirQueue) Less(i, j int) bool { return Compare(q[i].path, q[j].path) < 0 }
func (q dirQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *dirQueue) Push(x any)        { *q = append(*q, x.(*aheadDir)) }
func (q *dirQueue) Pop() any {
	old := *q
	d := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return d
}

var _ DirSource = (*Prefetcher)(nil)
