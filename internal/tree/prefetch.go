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
// The results the walk has not taken yet are bounded: a worker takes no
// further directory while prefetchHold entries wait for the walk (so the
// bound is exceeded by at most what the workers are reading then).
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
	// walk (an lstat result is 144 bytes); a worker only warms a directory
	// of more than half that, and the walk reads it again itself.
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
	// ReadDir returns the names of the directory open as fd, whose fstat
	// is key, sorted byte-wise, with their lstat results (stats[i] is
	// names[i]'s; a zero Mode where there is none). It finds the
	// directory by device and inode, serves it only if it was read in the
	// state key, and may read it through fd or wait for a read under way.
	// ok is false when it has nothing for the directory in this state;
	// fd's offset is then at the start.
	ReadDir(key DirKey, fd int) (names []string, stats []unix.Stat_t, ok bool)
	// Skip tells the source that the walk will not read the directory with
	// this device and inode (an excluded directory, or SkipDir).
	Skip(dev, ino uint64)
}

// PrefetchOptions say which directories a Prefetcher reads: those its walk
// will (see WalkOptions).
type PrefetchOptions struct {
	Recursive     bool // the whole tree below the start, else the start only
	OneFileSystem bool // not below directories on another device than the start
	// Filter, if not nil, is the walk's: directories it excludes are not
	// read. It is matched against paths in the root, so it must be the
	// walk's only when the walk's entry paths are those (Start "." with
	// Prefix "", or Prefix equal to Start).
	Filter *Filter
}

// dirState is where a directory is in a Prefetcher.
type dirState uint8

const (
	dirQueued  dirState = iota
	dirReading          // by a worker, or by the walk through ReadDir
	dirRead
	dirTaken // by the walk
)

// dirID finds a directory whatever its state.
type dirID struct{ dev, ino uint64 }

// aheadDir is one directory a Prefetcher knows of. Its fields are guarded
// by Prefetcher.mu.
type aheadDir struct {
	path    string // in the root
	id      dirID
	state   dirState
	skipped bool          // the walk will not read it: drop it once read
	done    chan struct{} // closed once read
	listing               // once read
	held    int           // entries counted in Prefetcher.held
	subs    []*aheadDir   // its subdirectories, queued
}

// listing is what one read of a directory found.
type listing struct {
	ok    bool   // the names were read (and are to be held)
	read  DirKey // the directory's state when read (fstat)
	names []string
	stats []unix.Stat_t
}

// Prefetcher reads a tree ahead of its walk; see DirSource.
type Prefetcher struct {
	root      *os.Root
	start     string
	startFD   int    // the start directory, which the workers open directories from (-1: none)
	startDev  uint64 // its device
	opts      PrefetchOptions
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

	// mu guards the fields that follow, and the aheadDirs'.
	mu     sync.Mutex
	cond   sync.Cond
	queue  dirQueue // queued directories, the first in canonical order first
	byID   map[dirID]*aheadDir
	held   int // entries read and not taken
	busy   int // directories being read
	probed int // stats timed so far
	slow   int // of which slow
	stop   bool
	reads  int // directories read, for tests
	claims int // of which by the walk, for tests
}

// StartPrefetch reads the tree below start ("." for the whole tree) in root
// ahead of a walk; hand it to the walk as WalkOptions.Dirs and Stop it
// when the walk is done.
func StartPrefetch(ctx context.Context, root *os.Root, start string, opts PrefetchOptions) *Prefetcher {
	return newPrefetcher(ctx, root, start, opts, prefetchWorkers, prefetchProbe, prefetchHold)
}

// newPrefetcher starts a Prefetcher with the given number of workers;
// probe is the number of stats timed before deciding the cache is warm
// (0: never decide), hold the bound on the entries held for the walk.
func newPrefetcher(ctx context.Context, root *os.Root, start string, opts PrefetchOptions, workers, probe, hold int) *Prefetcher {
	ctx, cancel := context.WithCancel(ctx)
	p := &Prefetcher{root: root, start: start, startFD: -1, opts: opts, cancel: cancel, probe: probe, hold: hold,
		done: make(chan struct{}), byID: map[dirID]*aheadDir{}}
	p.bufs.New = func() any { b := make([]byte, 64<<10); return &b }
	p.probing.Store(probe > 0)
	p.cond.L = &p.mu
	if f, err := root.OpenFile(start, os.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW, 0); err == nil {
		var st unix.Stat_t
		if fd, err := dupFile(f); err == nil {
			if unix.Fstat(fd, &st) == nil {
				p.startFD, p.startDev = fd, uint64(st.Dev)
				d := &aheadDir{path: start, id: idOf(&st), done: make(chan struct{})}
				p.byID[d.id] = d
				heap.Push(&p.queue, d)
			} else {
				unix.Close(fd)
			}
		}
		f.Close()
	}
	var wg sync.WaitGroup
	for range workers {
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
// once, and while a walk still asks for directories (it reads them
// itself).
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

func keyOf(st *unix.Stat_t) DirKey {
	return DirKey{Dev: uint64(st.Dev), Ino: st.Ino,
		MTime: st.Mtim.Sec*1e9 + st.Mtim.Nsec, CTime: st.Ctim.Sec*1e9 + st.Ctim.Nsec}
}

func idOf(st *unix.Stat_t) dirID { return dirID{uint64(st.Dev), st.Ino} }

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
			p.readDir(d, fd, true)
			unix.Close(fd)
		} else {
			p.mu.Lock()
			p.publish(d, listing{}, true) // the walk reads it and reports the error
			p.mu.Unlock()
		}
		p.mu.Lock()
		p.busy--
		p.cond.Broadcast()
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

// readDir reads the directory d, open as fd, publishes what it found and
// queues its subdirectories; worker says whether a worker reads it (else
// the walk, which takes the result at once). It runs without p.mu.
func (p *Prefetcher) readDir(d *aheadDir, fd int, worker bool) {
	var l listing
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil {
		p.mu.Lock()
		p.publish(d, l, worker)
		p.mu.Unlock()
		return
	}
	l.read = keyOf(&st)
	buf := p.bufs.Get().(*[]byte)
	names, err := readNames(fd, d.path, *buf)
	p.bufs.Put(buf)
	if err != nil {
		p.mu.Lock()
		p.publish(d, l, worker) // the walk reads it again and reports the error
		p.mu.Unlock()
		return
	}
	l.names, l.ok = names, true
	// A directory too large to hold is still stat-ed, to warm the caches
	// and find its subdirectories, but its results are not kept: a worker
	// publishes nothing (the walk reads it again itself, warm), the walk
	// reading it here gets its names only. (Published only once its
	// subdirectories are queued, so that the walk cannot pass one of them
	// before it is known.)
	large := len(names) > p.hold/2
	var one unix.Stat_t
	if !large {
		l.stats = make([]unix.Stat_t, len(names))
	}
	var subs []*aheadDir
	for i, name := range names {
		if p.halted.Load() {
			break // the walk stats the rest itself
		}
		s := &one
		if !large {
			s = &l.stats[i]
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
		if p.opts.Recursive && s.Mode&unix.S_IFMT == unix.S_IFDIR && (!p.opts.OneFileSystem || uint64(s.Dev) == p.startDev) {
			if path := Join(d.path, name); !p.opts.Filter.Match(path, true) {
				subs = append(subs, &aheadDir{path: path, id: idOf(s)})
			}
		}
	}
	if large && worker {
		l = listing{read: l.read}
	}
	p.mu.Lock()
	p.publish(d, l, worker)
	p.queue1(d, subs)
	p.mu.Unlock()
}

// publish makes l the result of reading d and wakes whoever waits for it;
// held says whether its entries count against the bound until the walk
// takes them (not when the walk read it itself). p.mu is held.
func (p *Prefetcher) publish(d *aheadDir, l listing, held bool) {
	d.state = dirRead
	if d.skipped || p.stop && held {
		l = listing{} // nobody will take it
	}
	d.listing = l
	if held && l.ok {
		d.held = len(l.names)
		p.held += d.held
	}
	close(d.done)
	p.cond.Broadcast()
}

// queue1 queues subs, the subdirectories of d, for the workers, unless the
// walk will not read d or no worker is left; a directory known already
// (mounted twice, or moved during the walk) is not queued again. p.mu is
// held.
func (p *Prefetcher) queue1(d *aheadDir, subs []*aheadDir) {
	if d.skipped || p.stop {
		return
	}
	for _, s := range subs {
		if p.byID[s.id] != nil {
			continue
		}
		s.done = make(chan struct{})
		p.byID[s.id] = s
		heap.Push(&p.queue, s)
		d.subs = append(d.subs, s)
	}
	if len(d.subs) > 0 {
		p.cond.Broadcast()
	}
}

// ReadDir implements DirSource.
func (p *Prefetcher) ReadDir(key DirKey, fd int) ([]string, []unix.Stat_t, bool) {
	id := dirID{key.Dev, key.Ino}
	p.mu.Lock()
	d := p.byID[id]
	if d == nil {
		p.mu.Unlock()
		return nil, nil, false
	}
	delete(p.byID, id)
	claimed := false
	switch d.state {
	case dirQueued: // no worker got to it: read it here
		d.state = dirReading
		p.busy++
		p.reads++
		p.claims++
		claimed = true
		p.mu.Unlock()
		p.readDir(d, fd, false)
		p.mu.Lock()
		p.busy--
		p.cond.Broadcast()
	case dirReading:
		p.mu.Unlock()
		<-d.done
		p.mu.Lock()
	}
	d.state = dirTaken
	l := d.listing
	d.listing = listing{}
	if d.held > 0 {
		p.held -= d.held
		d.held = 0
		p.cond.Broadcast()
	}
	p.mu.Unlock()
	if !l.ok || l.read != key {
		if claimed {
			unix.Seek(fd, 0, 0)
		}
		return nil, nil, false
	}
	return l.names, l.stats, true
}

// Skip implements DirSource.
func (p *Prefetcher) Skip(dev, ino uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if d := p.byID[dirID{dev, ino}]; d != nil {
		p.drop(d)
	}
}

// drop forgets d, which the walk will not read, and what was queued below
// it; p.mu is held.
func (p *Prefetcher) drop(d *aheadDir) {
	if d.state == dirTaken {
		return // the walk has it (this is a parent's list of subdirectories)
	}
	if p.byID[d.id] == d {
		delete(p.byID, d.id)
	}
	d.skipped = true // queued: not read; being read: dropped by publish
	if d.state != dirRead {
		return
	}
	p.held -= d.held
	d.held = 0
	d.listing = listing{}
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
	return len(p.byID)
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
