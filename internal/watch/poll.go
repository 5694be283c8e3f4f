package watch

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
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
	p := &poller{root: root, out: make(chan Change), cancel: cancel, done: make(chan struct{})}
	p.last = scan(root)
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
				next := scan(root)
				changes = diffScans(p.last, next)
				p.last = next
			case <-opts.overflow:
				p.last = scan(root)
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

// scan reads the tree under root: a consistent scan if it can (a few
// tries), else the last one. What cannot be read is left out: a replica
// pass over it finds the source unreadable, which never deletes.
func scan(root string) snapshot {
	var s snapshot
	for range 4 {
		var ok bool
		if s, ok = scanOnce(root); ok {
			break
		}
	}
	return s
}

// scanOnce reads the tree once and reports whether the scan is consistent:
// no directory changed while it was read, no entry vanished between its
// directory's listing and its lstat, and no entry was seen under two names
// (a rename across directories during the scan) unless it has several
// links. Only a consistent scan can tell a rename from a deletion and a
// creation.
func scanOnce(root string) (snapshot, bool) {
	s := snapshot{}
	type id struct{ dev, ino uint64 }
	seen := map[id]bool{}
	ok := true
	var dir func(rel string, before entryInfo)
	dir = func(rel string, before entryInfo) {
		abs := filepath.Join(root, filepath.FromSlash(rel))
		names, err := readNames(abs)
		if err != nil {
			return
		}
		var subdirs []string
		for _, name := range names {
			p := name
			if rel != "" {
				p = rel + "/" + name
			}
			fi, err := os.Lstat(filepath.Join(abs, name))
			if err != nil {
				ok = false // gone meanwhile
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
		return s, false
	}
	dir("", info(fi))
	return s, ok
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
