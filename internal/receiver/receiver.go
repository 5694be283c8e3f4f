package receiver

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferrysync/ferry/internal/role"

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
type Engine struct {
	*role.Peer
	dst string // destination operand
	// destFilter holds the receiver's rules (protect, risk, and the
	// include/exclude rules unless DeleteExcluded): the destination
	// entries it excludes are neither deleted nor compared; nil if none.
	destFilter *tree.Filter

	coop coopState // --cooperate (coop.go): claims skipped, to check again at the end of the pass

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
	passStart  time.Time       // when this pass started: stale temps are older (stale.go)

	items  chan item
	queued atomic.Int64 // entries handed to the merger and not yet taken (at most the credit)
	// queuedBytes: their EntrySize, and the ErrorSize of the in-stream
	// errors not yet taken (at most wire.MaxEntryWindow)
	queuedBytes atomic.Int64
	slots       chan struct{} // one per outstanding file request
	ahead       atomic.Int32  // temp files created ahead of their data (ahead.go)

	commits       chan *job // verified files for the committer
	committerDone chan struct{}

	// handoff hook (handoff.go): copiers started at the first handoff.
	copyOnce    sync.Once
	copies      chan handoffCopy
	copiersDone sync.WaitGroup
	handedIn    atomic.Int64 // bytes of the files handed off in this pass

	// mu guards the fields that follow.
	mu      sync.Mutex
	jobs    map[uint64]*job
	copying map[uint64]*job // handed-off files queued or being copied (handoff.go)
	nextID  uint64
	stats   role.Stats
	byPath  map[string]*job // in-flight files, for hard links (-H)
	dirMu   sync.Mutex      // guards dirNode counters
	// deferredDirs are finished directories whose metadata waits for
	// the end of the pass (-K; guarded by dirMu)
	deferredDirs  []*dirNode
	pending       sync.WaitGroup // in-flight jobs
	order         *evOrder       // nil when nobody receives the events
	fuzzy         fuzzyDir       // --fuzzy: the destination directory listed last (fuzzy.go)
	prog          progress       // progress reports (progress hook, totals.go)
	renames       []queuedRename // queued for the next pass (receiver_rename.go)
	renamesFailed []role.Rename  // those of QueueRenames not done
}

// New prepares a receiver into destination operand dst (opened at the
// first pass) and starts its committer.
func New(p *role.Peer, dst string) (*Engine, error) {
	if p.Cfg.WriteOnly {
		if err := p.Cfg.WriteOnlyConflict(); err != nil {
			return nil, err
		}
	}
	f, err := tree.ParseSideFilter(p.Cfg.Filters, tree.SideReceiver, p.Cfg.DeleteExcluded)
	if err != nil {
		return nil, err
	}
	r := &Engine{
		Peer:  p,
		dst:   dst,
		items: make(chan item, p.Cfg.EntryCredit()+2),
		slots: make(chan struct{}, p.Cfg.RequestWindow()),

		commits:       make(chan *job, 64),
		committerDone: make(chan struct{}),
		jobs:          map[uint64]*job{},
		byPath:        map[string]*job{},
	}
	if !f.Empty() {
		r.destFilter = f
	}
	if p.Client || p.Events {
		r.order = newEvOrder(r.emitNow, p.Link.Done())
	}
	p.Link.ShareData() // Data is written out within handle
	go r.committer()
	return r, nil
}

// Close waits for the jobs in flight and releases the destination.
func (r *Engine) Close() {
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
func (r *Engine) waitJobs() {
	idle := make(chan struct{})
	go func() {
		r.pending.Wait()
		close(idle)
	}()
	select {
	case <-idle:
	case <-r.ReaderDone:
		r.abortJobs()
		<-idle
	}
}

// GrantInitial gives the sender its entry window.
func (r *Engine) GrantInitial() error {
	return r.Link.Send(&wire.Credit{N: uint64(r.Cfg.EntryCredit())})
}

// Handle runs on the reader goroutine. Entries go to the bounded items
// queue, whose room the credits guarantee; file data is written to disk
// right here (receiver_job.go).
func (r *Engine) Handle(m wire.Message) error {
	switch m := m.(type) {
	case *wire.Entries:
		if n := len(m.Entries); n > 0 {
			if r.queued.Add(int64(n)) > int64(r.Cfg.EntryCredit()) {
				return fmt.Errorf("%w: sender exceeded its entry credit", role.ErrProtocol)
			}
			size := 0
			for i := range m.Entries {
				size += wire.EntrySize(&m.Entries[i])
			}
			if err := r.queueBytes(size); err != nil {
				return err
			}
			if err := r.push(item{es: m.Entries}); err != nil {
				return err
			}
		}
	case *wire.EntriesEnd:
		return r.push(item{end: m})
	case *wire.FileError:
		if m.ID == 0 {
			if err := r.queueBytes(wire.ErrorSize(m)); err != nil {
				return err
			}
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
	case *wire.SourceError: // the sender could not remove a source file
		if tree.ValidPath(m.Path) != nil {
			return fmt.Errorf("%w: source-error for %q", role.ErrProtocol, m.Path)
		}
		r.fail("remove source", m.Path, r.FromWireError(&wire.FileError{Path: m.Path, Code: m.Code, Message: m.Message}))
	case *wire.RefineSig: // refine hook (refine_receiver.go)
		return r.refine(m)
	case *wire.Handoff: // handoff hook (handoff.go)
		return r.handoff(m)
	case *wire.Rename: // receiver_rename.go
		return r.queueRename(m)
	case *wire.FileEnd:
		j, err := r.job(m.ID, m)
		if err != nil {
			return err
		}
		j.end(m)
	default:
		return fmt.Errorf("%w: receiver got unexpected %T", role.ErrProtocol, m)
	}
	return nil
}

// queueBytes counts n more bytes of stream items handed to the merger.
func (r *Engine) queueBytes(n int) error {
	if r.queuedBytes.Add(int64(n)) > wire.MaxEntryWindow {
		return fmt.Errorf("%w: sender exceeded the entry window of %d bytes", role.ErrProtocol, wire.MaxEntryWindow)
	}
	return nil
}

func (r *Engine) push(it item) error {
	select {
	case r.items <- it:
		return nil
	default:
		return fmt.Errorf("%w: sender exceeded its entry credit", role.ErrProtocol)
	}
}

// job returns the in-flight job id.
func (r *Engine) job(id uint64, m wire.Message) (*job, error) {
	r.mu.Lock()
	j := r.jobs[id]
	r.mu.Unlock()
	if j == nil {
		return nil, fmt.Errorf("%w: message %T for unknown file id %d", role.ErrProtocol, m, id)
	}
	return j, nil
}

// abortJobs ends every job still in flight once the reader is gone.
func (r *Engine) abortJobs() {
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
func (r *Engine) report(ev role.Event) {
	if r.order != nil && (ev.Kind == role.EventChanged || ev.Kind == role.EventDeleted || ev.Kind == role.EventNotice) {
		r.order.deliver(ev)
		return
	}
	r.emitNow(ev)
}

// emitNow delivers ev without waiting for its turn.
func (r *Engine) emitNow(ev role.Event) {
	if r.Client {
		r.Emit(ev)
		return
	}
	switch ev.Kind {
	case role.EventError:
		fe, ok := ev.Err.(*role.FileError)
		if !ok {
			fe = &role.FileError{Op: "sync", Path: ev.Path, Code: role.ErrCode(ev.Err), Err: ev.Err}
		}
		r.Link.Send(role.ToWireError(0, fe))
	case role.EventChanged, role.EventDeleted:
		if r.Events {
			kind := uint64(wire.ItemChanged)
			if ev.Kind == role.EventDeleted {
				kind = wire.ItemDeleted
			}
			r.Link.Send(&wire.Itemized{Kind: kind, Path: ev.Path, Itemize: ev.Itemize, Size: ev.Size})
		}
	case role.EventNotice:
		if r.Events && r.Link.Negotiated().Notice {
			r.Link.Send(&wire.Itemized{Kind: wire.ItemNotice, Path: ev.Path, Itemize: ev.Err.Error()})
		}
	}
}

// fail reports a per-file error.
func (r *Engine) fail(op, path string, err error) {
	r.mu.Lock()
	r.stats.Errors++
	r.mu.Unlock()
	fe, ok := err.(*role.FileError)
	if !ok {
		fe = &role.FileError{Op: op, Path: path, Code: role.ErrCode(err), Err: err}
	}
	r.report(role.Event{Kind: role.EventError, Path: path, Err: fe})
}

// Pass runs one pass: the merge, the file jobs, then the PassDone exchange.
func (r *Engine) Pass(ctx context.Context, pb *wire.PassBegin) (role.Stats, error) {
	defer r.startProgress(ctx)() // progress hook (totals.go)
	deletesDone := r.deleteOnly  // the delete-only pass before this one deleted
	if !deletesDone {
		r.deleted = 0 // a new run; after a delete-only pass, the same one
	}
	r.deleteOnly = pb.DeleteOnly
	r.passStart = time.Now() // stale temps are older (stale.go)
	if h := role.TestHooks.PassStarted; h != nil {
		h()
	}
	if err := r.applyRenames(pb.Pass); err != nil {
		return role.Stats{}, err
	}
	err := r.merge(ctx, pb, deletesDone)
	cancelled := role.Cancelled(ctx, err)
	if cancelled {
		// A cancelled pass (wire.PassCancel): the merge took the rest of
		// the entry stream without acting on it; what is in flight
		// finishes, nothing more is deleted, and the session goes on.
		err = nil
		r.deleteOnly = false // the next pass is a new run, deletions included
	}
	switch {
	case err != nil && !r.Client:
		r.Link.Abort(err) // the client learns why (a destination that is a file: exit 3)
	case errors.Is(err, role.ErrProtocol):
		r.Link.Abort(err) // the server learns what it sent wrong (an invalid path...)
	case err != nil:
		r.Link.Fail(err)
	}
	r.waitJobs()
	r.applyDeferredDirs() // -K
	if err != nil {
		r.later = nil
		r.dropHeld() // delay hook (delay.go): kept for the next run
		return role.Stats{}, err
	}
	if cancelled || ctx.Err() != nil {
		r.later = nil // deletions noted for the end: only a finished pass makes them
		r.dropHeld()  // delay hook: held files wait for a finished pass
	} else {
		r.unholdAll() // delay hook (delay.go)
		r.deleteLater()
	}
	r.mu.Lock()
	mine := r.stats
	r.stats = role.Stats{}
	r.mu.Unlock()
	// The byte counts are the sender's, but only this side knows what a
	// file handed off whole kept of its partial data (receiver_resume.go).
	resumed := mine.MatchedBytes
	mine.MatchedBytes = 0
	io := r.IOStats()
	mine.BytesSent, mine.BytesReceived = io.BytesSent, io.BytesReceived
	if err := r.Link.Send(&wire.PassDone{Pass: pb.Pass, Stats: mine}); err != nil {
		return role.Stats{}, err
	}
	// The peer ends a cancelled pass too: wait for it whatever ctx says
	// (a peer that never does is cut off by the link's failure).
	ss, err := r.AwaitPassDone(context.WithoutCancel(ctx), pb.Pass)
	if err != nil {
		return role.Stats{}, err
	}
	mine.LiteralBytes, mine.MatchedBytes = ss.LiteralBytes-min(resumed, ss.LiteralBytes), ss.MatchedBytes+resumed
	mine.Errors += ss.Errors
	r.mu.Lock()
	mine.Errors += r.stats.Errors // reported by the sender after this side's PassDone (wire.SourceError)
	r.stats.Errors = 0
	r.mu.Unlock()
	if r.Cfg.LocalPeer {
		// A local copy reports what its sending side sent, as rsync does:
		// the file data, whether it crossed the connection or was handed
		// off as descriptors.
		mine.BytesSent = ss.BytesSent + uint64(r.handedIn.Swap(0))
		mine.BytesReceived = ss.BytesReceived
	}
	if cancelled || ctx.Err() != nil {
		return mine, ctx.Err()
	}
	return mine, nil
}
