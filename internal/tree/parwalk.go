package tree

import (
	"errors"
	"io"
	"os"
)

// EntryWalker is what the merge and the sender need of a walk;
// *Walker is one.
type EntryWalker interface {
	Next() (*Entry, error)
	SkipDir()
	Close() error
}

// parallelAhead is how many top-level directories a parWalker walks ahead
// of the one being consumed, each in its own goroutine.
const (
	parallelAhead  = 2
	parallelBuffer = 256 // entries each of them may run ahead
	// parallelBatch entries go through the channel together (one channel
	// operation, one wake-up of the consumer), fewer when the consumer has
	// drained the channel and waits.
	parallelBatch = 64
)

// parWalker walks a whole tree (the destination, or a source sent with its
// contents) in canonical order, like one recursive Walker, but walks
// the next few top-level directories in goroutines of their own while the
// consumer takes the current one: the stats of a large tree then use more
// than one core. It returns exactly the single walk's entries, and calls
// OnError in the same places (errors travel in order with the entries).
type parWalker struct {
	root *os.Root
	opts WalkOptions // for the subtrees: recursive, Start and Prefix set per walk
	top  *Walker     // "." and its children, not descending
	// tops are top-level entries read ahead, each with its subtree walk
	// (nil for a non-directory); tops[0] is returned next.
	tops   []topEntry
	topEOF bool
	topErr error

	cur  *subWalk // the subtree being returned, nil between them
	last *Entry   // the entry Next returned last
	skip string   // drop entries inside this directory ("" none)
}

type topEntry struct {
	e   *Entry
	sub *subWalk
}

// subWalk is one top-level directory's walk, running ahead.
type subWalk struct {
	ch   chan []subItem // the entries below the directory, in order, in batches
	cur  []subItem      // the batch being returned
	stop chan struct{}
	done chan struct{} // closed when its goroutine has returned
}

// subItem is an entry, or an error the walk reported (OnError) before the
// entries that follow it, so it reaches the consumer in its place.
type subItem struct {
	e       *Entry
	errPath string
	err     error
}

// end stops the walk and waits for its goroutine.
func (s *subWalk) end() {
	close(s.stop)
	<-s.done
}

func NewParWalker(root *os.Root, opts WalkOptions) *parWalker {
	top := opts
	top.Start, top.Prefix, top.Recursive = ".", "", false
	opts.Recursive = true
	return &parWalker{root: root, opts: opts, top: NewWalker(root, top)}
}

// fill reads top-level entries ahead and starts their subtree walks.
func (p *parWalker) fill() {
	for !p.topEOF && len(p.tops) <= parallelAhead {
		e, err := p.top.Next()
		if err != nil {
			p.topEOF = true
			if !errors.Is(err, io.EOF) {
				p.topErr = err
			}
			return
		}
		t := topEntry{e: e}
		if e.Type == TypeDir && e.Path != "." {
			t.sub = p.start(e.Path)
		}
		p.tops = append(p.tops, t)
	}
}

// start walks the directory name (a top-level path) in a goroutine.
func (p *parWalker) start(name string) *subWalk {
	s := &subWalk{ch: make(chan []subItem, parallelBuffer/parallelBatch), stop: make(chan struct{}), done: make(chan struct{})}
	o := p.opts
	o.Start, o.Prefix = name, name
	var errs []subItem // OnError calls during one Next, sent before its entry
	if o.OnError != nil {
		o.OnError = func(path string, err error) { errs = append(errs, subItem{errPath: path, err: err}) }
	}
	go func() {
		defer close(s.done)
		defer close(s.ch)
		w := NewWalker(p.root, o)
		defer w.Close()
		// The directory itself: the top walk returned it. What its walk
		// reported meanwhile (it cannot be opened) follows it in order, and
		// so does a failure to find it again (it vanished or was replaced
		// since the top walk read it): either way the consumer hears of it,
		// so that nothing it held is taken for deleted.
		var batch []subItem
		if _, err := w.Next(); err != nil {
			if o.OnError != nil {
				select { // the first send: the channel has room
				case s.ch <- append(errs, subItem{errPath: name, err: err}):
				case <-s.stop:
				}
			}
			return
		}
		batch = append(batch, errs...)
		errs = errs[:0]
		send := func() bool {
			select {
			case s.ch <- batch:
				batch = nil
				return true
			case <-s.stop:
				return false
			}
		}
		for {
			e, err := w.Next()
			batch = append(batch, errs...) // errors before the end still count
			errs = errs[:0]
			if err != nil {
				if len(batch) > 0 {
					send()
				}
				return
			}
			batch = append(batch, subItem{e: e})
			if (len(batch) >= parallelBatch || len(s.ch) == 0) && !send() {
				return
			}
		}
	}()
	return s
}

// Next returns the next entry in canonical order, or io.EOF.
func (p *parWalker) Next() (*Entry, error) {
	for p.cur != nil {
		if len(p.cur.cur) == 0 {
			b, ok := <-p.cur.ch
			if !ok {
				p.cur = nil
				break
			}
			p.cur.cur = b
		}
		it := p.cur.cur[0]
		p.cur.cur[0] = subItem{}
		p.cur.cur = p.cur.cur[1:]
		if it.err != nil {
			if p.skip == "" || !Contains(p.skip, it.errPath) {
				p.opts.OnError(it.errPath, it.err)
			}
			continue
		}
		e := it.e
		if p.skip != "" && Contains(p.skip, e.Path) {
			continue
		}
		p.skip = ""
		p.last = e
		return e, nil
	}
	p.fill()
	if len(p.tops) == 0 {
		p.last = nil
		if p.topErr != nil {
			return nil, p.topErr
		}
		return nil, io.EOF
	}
	t := p.tops[0]
	p.tops = p.tops[1:]
	p.cur, p.last, p.skip = t.sub, t.e, ""
	return t.e, nil
}

// SkipDir skips the contents of the directory Next returned last.
func (p *parWalker) SkipDir() {
	if p.last == nil || p.last.Type != TypeDir {
		return
	}
	if p.last.Path == "." {
		p.top.SkipDir()
		return
	}
	if p.isTop(p.last) {
		if p.opts.Dirs != nil { // in case its walk has not read it yet
			p.opts.Dirs.Skip(p.last.Dev, p.last.Ino)
		}
		if p.cur != nil {
			p.cur.end()
			p.cur = nil
		}
		return
	}
	p.skip = p.last.Path
}

// isTop reports whether e is a top-level entry.
func (p *parWalker) isTop(e *Entry) bool {
	for i := 0; i < len(e.Path); i++ {
		if e.Path[i] == '/' {
			return false
		}
	}
	return true
}

// Close stops the walks ahead.
func (p *parWalker) Close() error {
	if p.cur != nil {
		p.cur.end()
		p.cur = nil
	}
	for _, t := range p.tops {
		if t.sub != nil {
			t.sub.end()
		}
	}
	p.tops = nil
	p.topEOF = true
	return p.top.Close()
}
