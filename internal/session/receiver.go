package session

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
)

// item is one element of the entry stream as the reader hands it over;
// the entries of one Entries message travel together as es (one channel
// operation per message, not per entry), and the merger takes them apart.
type item struct {
	e   *wire.Entry
	es  []wire.Entry
	err *wire.FileError
	end *wire.EntriesEnd
}

// receiver merge-joins the incoming entry stream with its walk of the
// destination, writes what changed and requests file data.
type receiver struct {
	*peer
	dst string // destination operand
	// destFilter holds the receiver's rules (protect, risk, and the
	// include/exclude rules unless DeleteExcluded): the destination
	// entries it excludes are neither deleted nor compared; nil if none.
	destFilter *tree.Filter

	root     *fsys.Root // nil until the first pass opens it (or in a dry run on a missing destination)
	fileMode string     // single-file transfer: the destination name of the one entry
	fileSrc  string
	// rootCreated: the destination directory did not exist before pass 0.
	rootCreated bool
	bak         *backups   // backup hook (backup.go); nil: none
	bases       []basisDir // basis directories (basis.go)
	tempRoot    *fsys.Root // temp directory hook (tempdir.go); nil: none
	delay       delayed    // delay hook (delay.go): files held for the end of the pass

	// Deletions (receiver_delete.go), used by the pass goroutine only.
	later      []pendingDelete // noted for the end of the pass
	deleted    int64           // deletions of this run, against MaxDelete
	deleteOnly bool            // the previous pass was delete-only: the run goes on

	items  chan item
	queued atomic.Int64  // entries handed to the merger and not yet taken (at most the credit)
	slots  chan struct{} // one per outstanding file request

	commits       chan *job // verified files for the committer
	committerDone chan struct{}

	// handoff hook (handoff.go): copiers started at the first handoff.
	copyOnce    sync.Once
	copies      chan handoffCopy
	copiersDone sync.WaitGroup
	handedIn    atomic.Int64 // bytes of the files handed off so far

	// mu guards the fields that follow.
	mu      sync.Mutex
	jobs    map[uint64]*job
	copying map[uint64]*job // handed-off files queued or being copied (handoff.go)
	nextID  uint64
	stats   Stats
	byPath  map[string]*job // in-flight files, for hard links (-H)
	dirMu   sync.Mutex      // guards dirNode counters
	// deferredDirs are finished directories whose metadata waits for
	// the end of the pass (-K; guarded by dirMu)
	deferredDirs []*dirNode
	pending      sync.WaitGroup // in-flight jobs
	order        *evOrder       // nil when nobody receives the events
	fuzzy        fuzzyDir       // --fuzzy: the destination directory listed last (fuzzy.go)
	prog         progress       // progress reports (progress hook, totals.go)
}

func newReceiver(p *peer, dst string) (*receiver, error) {
	f, err := tree.ParseSideFilter(p.cfg.Filters, tree.SideReceiver, p.cfg.DeleteExcluded)
	if err != nil {
		return nil, err
	}
	r := &receiver{
		peer:  p,
		dst:   dst,
		items: make(chan item, p.cfg.credit()+2),
		slots: make(chan struct{}, p.cfg.window()),

		commits:       make(chan *job, 64),
		committerDone: make(chan struct{}),
		jobs:          map[uint64]*job{},
		byPath:        map[string]*job{},
	}
	if !f.Empty() {
		r.destFilter = f
	}
	if p.client || p.events {
		r.order = newEvOrder(r.emitNow, p.c.done)
	}
	p.c.fr.ShareData = true // Data is written out within handle
	go r.committer()
	return r, nil
}

func (r *receiver) close() {
	r.waitJobs()
	close(r.commits)
	<-r.committerDone
	if r.copies != nil { // handoff hook: the copiers are idle once the jobs are done
		close(r.copies)
		r.copiersDone.Wait()
	}
	if r.root != nil {
		r.root.Close()
	}
	r.closeTempDir()
	r.closeBackups()
	r.closeBases()
}

// waitJobs waits until every file job has finished; when the reader
// goroutine ends first (the connection is down), it ends the rest.
func (r *receiver) waitJobs() {
	idle := make(chan struct{})
	go func() {
		r.pending.Wait()
		close(idle)
	}()
	select {
	case <-idle:
	case <-r.readerDone:
		r.abortJobs()
		<-idle
	}
}

// grantInitial gives the sender its entry window.
func (r *receiver) grantInitial() error {
	return r.c.send(&wire.Credit{N: uint64(r.cfg.credit())})
}

// handle runs on the reader goroutine. Entries go to the bounded items
// queue, whose room the credits guarantee; file data is written to disk
// right here (receiver_job.go).
func (r *receiver) handle(m wire.Message) error {
	switch m := m.(type) {
	case *wire.Entries:
		if n := len(m.Entries); n > 0 {
			if r.queued.Add(int64(n)) > int64(r.cfg.credit()) {
				return fmt.Errorf("%w: sender exceeded its entry credit", ErrProtocol)
			}
			if err := r.push(item{es: m.Entries}); err != nil {
				return err
			}
		}
	case *wire.EntriesEnd:
		return r.push(item{end: m})
	case *wire.FileError:
		if m.ID == 0 {
			return r.push(item{err: m})
		}
		j, err := r.job(m.ID, m)
		if err != nil {
			return err
		}
		j.fileError(m)
	case *wire.Data:
		j, err := r.job(m.ID, m)
		if err != nil {
			return err
		}
		j.data(m)
	case *wire.RefineSig: // refine hook (refine_receiver.go)
		return r.refine(m)
	case *wire.Handoff: // handoff hook (handoff.go)
		return r.handoff(m)
	case *wire.FileEnd:
		j, err := r.job(m.ID, m)
		if err != nil {
			return err
		}
		j.end(m)
	default:
		return fmt.Errorf("%w: receiver got unexpected %T", ErrProtocol, m)
	}
	return nil
}

func (r *receiver) push(it item) error {
	select {
	case r.items <- it:
		return nil
	default:
		return fmt.Errorf("%w: sender exceeded its entry credit", ErrProtocol)
	}
}

// job returns the in-flight job id.
func (r *receiver) job(id uint64, m wire.Message) (*job, error) {
	r.mu.Lock()
	j := r.jobs[id]
	r.mu.Unlock()
	if j == nil {
		return nil, fmt.Errorf("%w: message %T for unknown file id %d", ErrProtocol, m, id)
	}
	return j, nil
}

// abortJobs ends every job still in flight once the reader is gone.
func (r *receiver) abortJobs() {
	r.mu.Lock()
	var js []*job
	for _, j := range r.jobs {
		js = append(js, j)
	}
	r.mu.Unlock()
	for _, j := range js {
		j.interrupt()
	}
}

// report delivers a receiver-side event: to the user on the client, as
// messages to the client on the server; change and deletion events in list
// order (order.go).
func (r *receiver) report(ev Event) {
	if r.order != nil && (ev.Kind == EventChanged || ev.Kind == EventDeleted || ev.Kind == EventNotice) {
		r.order.deliver(ev)
		return
	}
	r.emitNow(ev)
}

// emitNow delivers ev without waiting for its turn.
func (r *receiver) emitNow(ev Event) {
	if r.client {
		r.emit(ev)
		return
	}
	switch ev.Kind {
	case EventError:
		fe, ok := ev.Err.(*FileError)
		if !ok {
			fe = &FileError{Op: "sync", Path: ev.Path, Code: errCode(ev.Err), Err: ev.Err}
		}
		r.c.send(toWireError(0, fe))
	case EventChanged, EventDeleted:
		if r.events {
			kind := uint64(wire.ItemChanged)
			if ev.Kind == EventDeleted {
				kind = wire.ItemDeleted
			}
			r.c.send(&wire.Itemized{Kind: kind, Path: ev.Path, Itemize: ev.Itemize, Size: ev.Size})
		}
	case EventNotice:
		if r.events && r.c.notice {
			r.c.send(&wire.Itemized{Kind: wire.ItemNotice, Path: ev.Path, Itemize: ev.Err.Error()})
		}
	}
}

// fail reports a per-file error.
func (r *receiver) fail(op, path string, err error) {
	r.mu.Lock()
	r.stats.Errors++
	r.mu.Unlock()
	fe, ok := err.(*FileError)
	if !ok {
		fe = &FileError{Op: op, Path: path, Code: errCode(err), Err: err}
	}
	r.report(Event{Kind: EventError, Path: path, Err: fe})
}

// pass runs one pass: the merge, the file jobs, then the PassDone exchange.
func (r *receiver) pass(ctx context.Context, pb *wire.PassBegin) (Stats, error) {
	defer r.startProgress(ctx)() // progress hook (totals.go)
	deletesDone := r.deleteOnly  // the delete-only pass before this one deleted
	if !deletesDone {
		r.deleted = 0 // a new run; after a delete-only pass, the same one
	}
	r.deleteOnly = pb.DeleteOnly
	err := r.merge(ctx, pb, deletesDone)
	switch {
	case err != nil && !r.client:
		r.c.abort(err) // the client learns why (a destination that is a file: exit 3)
	case err != nil:
		r.c.fail(err)
	}
	r.waitJobs()
	r.applyDeferredDirs() // -K
	if err != nil {
		r.later = nil
		r.dropHeld() // delay hook (delay.go): kept for the next run
		return Stats{}, err
	}
	r.unholdAll() // delay hook (delay.go)
	r.deleteLater()
	r.mu.Lock()
	mine := r.stats
	r.stats = Stats{}
	r.mu.Unlock()
	// The byte counts are the sender's, but only this side knows what a
	// file handed off whole kept of its partial data (receiver_resume.go).
	resumed := mine.MatchedBytes
	mine.MatchedBytes = 0
	io := r.ioStats()
	mine.BytesSent, mine.BytesReceived = io.BytesSent, io.BytesReceived
	if err := r.c.send(&wire.PassDone{Pass: pb.Pass, Stats: mine}); err != nil {
		return Stats{}, err
	}
	ss, err := r.awaitPassDone(ctx, pb.Pass)
	if err != nil {
		return Stats{}, err
	}
	mine.LiteralBytes, mine.MatchedBytes = ss.LiteralBytes-min(resumed, ss.LiteralBytes), ss.MatchedBytes+resumed
	mine.Errors += ss.Errors
	if r.cfg.LocalPeer {
		// A local copy reports what its sending side sent, as rsync does:
		// the file data, whether it crossed the connection or was handed
		// off as descriptors.
		mine.BytesSent = ss.BytesSent + uint64(r.handedIn.Load())
		mine.BytesReceived = ss.BytesReceived
	}
	return mine, nil
}
