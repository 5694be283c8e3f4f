package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// poller scans the tree every interval and reports what changed since the
// last scan: each entry made, changed or removed, and renames as renames
// (pollrename.go). The first scan is made before New returns.
type poller struct {
	root   string
	out    chan Change
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
	last   snapshot
	// unreadable are the directories (and entries) the last scan could
	// not read, by path relative to the root: warned about once each.
	unreadable map[string]bool
	onWarning  func(error)
}

// snapshot is a scan of the tree: every entry but the root, by path
// relative to it.
type snapshot map[string]entryInfo

// entryInfo is what a scan keeps of an entry: enough to tell that it
// changed, and which entry of the last scan it is (dev and ino).
type entryInfo struct {
	mode     fs.FileMode
	size     int64
	mtime    int64
	ctime    int64
	dev, ino uint64
	nlink    uint64
	idOK     bool // dev, ino, ctime and nlink are known (Linux)
}

func newPoll(ctx context.Context, root string, opts Options) *poller {
	ctx, cancel := context.WithCancel(ctx)
	p := &poller{root: root, out: make(chan Change), cancel: cancel, done: make(chan struct{}), onWarning: opts.OnWarning}
	p.rescan()
	go func() {
		defer close(p.done)
		defer close(p.out)
		t := time.NewTicker(opts.PollInterval)
		defer t.Stop()
		for {
			var changes []Change
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				last := p.last
				p.rescan()
				changes = diffScans(last, p.last)
			case <-opts.overflow:
				p.rescan()
				changes = []Change{{Rescan: true}}
			}
			for _, c := range changes {
				select {
				case p.out <- c:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return p
}

// rescan scans the tree again into p.last, and warns once about each
// directory or entry that has become unreadable.
func (p *poller) rescan() {
	next, unreadable := scan(p.root, p.last)
	seen := map[string]bool{}
	for rel, err := range unreadable {
		seen[rel] = true
		if !p.unreadable[rel] && p.onWarning != nil {
			p.onWarning(fmt.Errorf("watch: %w (kept as last seen: nothing under it is deleted)", err))
		}
	}
	p.last, p.unreadable = next, seen
}

// scan reads the tree under root: a consistent scan if it can (a few
// tries), else the last one. A directory that cannot be read (EACCES,
// EIO), or an entry that cannot be lstat'ed but exists, keeps what prev,
// the last scan, held for it and under it, so that it is never taken
// for emptied: unreadable has its error, by path relative to the root.
func scan(root string, prev snapshot) (s snapshot, unreadable map[string]error) {
	for range 4 {
		var ok bool
		if s, unreadable, ok = scanOnce(root, prev); ok {
			break
		}
	}
	return s, unreadable
}

// keep copies the entries of prev under rel (and rel itself when self)
// into s.
func keep(s, prev snapshot, rel string, self bool) {
	if self {
		if e, ok := prev[rel]; ok {
			s[rel] = e
		}
	}
	for p, e := range prev {
		if rel == "" || strings.HasPrefix(p, rel+"/") {
			s[p] = e
		}
	}
}

// gone reports whether err says that a path is not there any more.
func gone(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// scanOnce reads the tree once and reports whether the scan is consistent:
// no directory changed while it was read, no entry vanished between its
// directory's listing and its lstat, and no entry was seen under two names
// (a rename across directories during the scan) unless it has several
// links. Only a consistent scan can tell a rename from a deletion and a
// creation.
func scanOnce(root string, prev snapshot) (snapshot, map[string]error, bool) {
	s := snapshot{}
	unreadable := map[string]error{}
	type id struct{ dev, ino uint64 }
	seen := map[id]bool{}
	ok := true
	var dir func(rel string, before entryInfo)
	dir = func(rel string, before entryInfo) {
		abs := filepath.Join(root, filepath.FromSlash(rel))
		names, err := readNames(abs)
		if err != nil {
			if !gone(err) {
				unreadable[rel] = err
				keep(s, prev, rel, false)
			}
			return // else gone meanwhile: its parent's next listing says so
		}
		var subdirs []string
		for _, name := range names {
			p := name
			if rel != "" {
				p = rel + "/" + name
			}
			fi, err := os.Lstat(filepath.Join(abs, name))
			if err != nil {
				if gone(err) {
					ok = false // gone meanwhile
				} else {
					unreadable[p] = err
					keep(s, prev, p, true)
				}
				continue
			}
			e := info(fi)
			if e.idOK {
				k := id{e.dev, e.ino}
				if seen[k] && (fi.IsDir() || e.nlink < 2) {
					ok = false // moved from a directory read before to one read after
				}
				seen[k] = true
			}
			s[p] = e
			if fi.IsDir() {
				subdirs = append(subdirs, p)
			}
		}
		if fi, err := os.Lstat(abs); err != nil || !sameTimes(before, info(fi)) {
			ok = false // changed while read
		}
		for _, p := range subdirs {
			dir(p, s[p])
		}
	}
	fi, err := os.Lstat(root)
	if err != nil {
		// The root itself, gone or out of reach (an unmounted network
		// filesystem): its replica is no copy of an empty tree.
		unreadable[""] = err
		keep(s, prev, "", false)
		return s, unreadable, true
	}
	dir("", info(fi))
	return s, unreadable, ok
}

// readNames lists the directory dir.
func readNames(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Readdirnames(-1)
}

// info is what a scan keeps of fi.
func info(fi fs.FileInfo) entryInfo {
	e := entryInfo{mode: fi.Mode(), size: fi.Size(), mtime: fi.ModTime().UnixNano()}
	e.dev, e.ino, e.ctime, e.nlink, e.idOK = fileID(fi)
	if fi.IsDir() {
		e.size = 0 // a directory's size says nothing of its entries
	}
	return e
}

// sameTimes reports whether a directory's times are those read before.
func sameTimes(a, b entryInfo) bool { return a.mtime == b.mtime && a.ctime == b.ctime }

func (p *poller) Changes() <-chan Change { return p.out }

func (p *poller) Close() error {
	p.once.Do(p.cancel)
	<-p.done
	return nil
}
