package sender

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
)

// sender walks the sources, streams entries and answers file requests.
type Engine struct {
	*role.Peer
	srcs    []*source
	roots   rootCache // the sources' directories, each open once
	filter  *tree.Filter
	protect *tree.Filter // with PruneEmptyDirs: the receiver's protect rules, which keep a directory
	// walkDirs are the pass's prefetchers, by source, for the
	// pass's walk (tree.Prefetcher); only the pass's goroutine uses them.
	walkDirs map[*source]*tree.Prefetcher

	// mu guards the fields that follow.
	mu      sync.Mutex
	cond    sync.Cond // credits arrived, or closed
	work    sync.Cond // a request was queued, or closed
	credits int64
	sent    entryWindow         // items sent and not yet credited back (sender_window.go)
	queue   []*request          // complete requests waiting for a worker
	partial map[uint64]*request // requests still receiving SigBlocks
	active  int                 // requests queued or being served
	sigMem  uint64              // signature memory reserved by requests (sig_budget.go)
	closed  bool

	stats   role.Stats // guarded by mu
	workers sync.WaitGroup
	refine  refineWaits     // refine hook: answers awaited by workers (refine_sender.go)
	missing []missingSource // correctness hook: source operands that do not exist (sender_missing.go)
	// missingDone: the missing operands were reported in a pass that
	// transfers (used by the pass goroutine only).
	missingDone bool
	// renameFailed are the renames the receiver could not do
	// (sender_rename.go; guarded by mu); renamesLost: more than were kept.
	renameFailed []role.Rename
	renamesLost  bool
}

// request is one FileRequest with its signature blocks, stored compactly:
// weak sums, and the strong hashes end to end (sig_budget.go).
type request struct {
	wire.FileRequest
	weak   []uint32
	strong []byte
	got    uint64 // blocks received
	cost   uint64 // signature memory reserved
	drop   bool   // past MaxSigMemory: blocks are counted, not stored; the file goes whole
}

// New opens the source operands ops and starts the workers that answer
// file requests.
func New(p *role.Peer, ops []string) (*Engine, error) {
	f, err := tree.ParseSideFilter(p.Cfg.Filters, tree.SideSender, p.Cfg.DeleteExcluded)
	if err != nil {
		return nil, err
	}
	s := &Engine{Peer: p, filter: f, partial: map[uint64]*request{}, roots: rootCache{Base: p.OpBase}}
	if p.Cfg.PruneEmptyDirs {
		// rsync -m keeps a directory a global protect rule names.
		if s.protect, err = tree.ParseSideFilter(p.Cfg.Filters, tree.SideReceiver, true); err != nil {
			return nil, err
		}
	}
	s.cond.L = &s.mu
	s.work.L = &s.mu
	seen := map[sourceKey]bool{}
	for _, op := range ops {
		open := openSource
		if p.Cfg.Relative {
			open = openRelativeSource
		}
		src, err := open(&s.roots, op)
		if err != nil && s.missingSource(op, err) { // correctness hook (sender_missing.go)
			continue
		}
		if err != nil {
			s.Close()
			return nil, err
		}
		if k := src.key(); !seen[k] { // a repeated operand adds nothing
			seen[k] = true
			s.srcs = append(s.srcs, src)
		}
	}
	if len(s.srcs) == 0 && len(s.missing) == 0 {
		return nil, fmt.Errorf("no source operand")
	}
	go s.wakeOnDown() // timeout hook (timeout.go)
	for range p.Cfg.SendWorkers() {
		s.workers.Add(1)
		go s.worker()
	}
	return s, nil
}

// Close stops the workers and closes the sources.
func (s *Engine) Close() {
	s.mu.Lock()
	s.closed = true
	s.cond.Broadcast()
	s.work.Broadcast()
	s.mu.Unlock()
	s.workers.Wait()
	s.releaseAll()
	s.roots.close()
}

// Handle runs on the reader goroutine: it never blocks (but for the
// user's event callback).
func (s *Engine) Handle(m wire.Message) error {
	switch m := m.(type) {
	case *wire.FileError:
		// A receiver-side failure, reported to us for the client.
		if s.Client {
			s.Emit(role.Event{Kind: role.EventError, Path: m.Path, Err: s.FromWireError(m)})
		}
		return nil
	case *wire.RefineMatch: // refine hook (refine_sender.go)
		return s.gotRefineMatch(m)
	case *wire.SourceDone: // remove_source.go
		return s.removeSource(m)
	case *wire.RenameFailed: // sender_rename.go
		s.gotRenameFailed(m)
		return nil
	case *wire.Itemized:
		if s.Client {
			switch m.Kind {
			case wire.ItemChanged, wire.ItemDeleted:
				kind := role.EventChanged
				if m.Kind == wire.ItemDeleted {
					kind = role.EventDeleted
				}
				s.Emit(role.Event{Kind: kind, Path: m.Path, Itemize: m.Itemize, Size: m.Size, LinkTarget: s.linkTarget(m)}) // correctness hook (sender_linktarget.go)
			case wire.ItemNotice:
				var err error
				switch m.Itemize {
				case role.ErrDirNotEmpty.Error():
					err = role.ErrDirNotEmpty
				case role.ErrDeleteSkipped.Error():
					err = role.ErrDeleteSkipped
				default:
					err = errors.New(m.Itemize)
				}
				s.Emit(role.Event{Kind: role.EventNotice, Path: m.Path, Err: err})
			} // other kinds: from a newer peer, skipped
		}
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch m := m.(type) {
	case *wire.Credit:
		// Saturate: a peer's 2^63 must not wrap the window negative.
		s.credits += int64(min(m.N, uint64(maxCredits-s.credits)))
		s.sent.credited(m.N)
		s.cond.Broadcast()
	case *wire.FileRequest:
		if s.active >= role.MaxOutstanding {
			return fmt.Errorf("%w: more than %d outstanding file requests", role.ErrProtocol, role.MaxOutstanding)
		}
		s.active++
		r := &request{FileRequest: *m}
		if m.Flags&wire.ReqBasis != 0 && m.BlockCount > 0 {
			if err := s.acceptBasis(r); err != nil {
				return err
			}
			s.partial[m.ID] = r
			s.prefetch(r) // prefetch.go
			return nil
		}
		s.queue = append(s.queue, r)
		s.work.Signal()
	case *wire.SigBlocks:
		r := s.partial[m.ID]
		if r == nil || m.StrongLen != r.StrongLen || r.got+uint64(len(m.Blocks)) > r.BlockCount {
			return fmt.Errorf("%w: unexpected signature blocks for id %d", role.ErrProtocol, m.ID)
		}
		r.addBlocks(m)
		if r.got == r.BlockCount {
			delete(s.partial, m.ID)
			s.queue = append(s.queue, r)
			s.work.Signal()
		}
	default:
		return fmt.Errorf("%w: sender got unexpected %T", role.ErrProtocol, m)
	}
	return nil
}

// Pass walks the pass's paths, streams the entries and, once the receiver
// reports the pass done, answers with this side's stats.
func (s *Engine) Pass(ctx context.Context, pb *wire.PassBegin) (role.Stats, error) {
	defer s.startTotalsScan(ctx, pb)() // progress hook (totals.go)
	if len(pb.Paths) == 0 {
		for _, src := range s.srcs {
			start := "."
			if src.name != "" {
				start = src.name
			}
			pf := tree.StartPrefetch(ctx, src.root, start, tree.PrefetchOptions{Recursive: s.Cfg.Recursive, OneFileSystem: s.Cfg.OneFileSystem, Filter: s.filter})
			defer pf.Stop()
			if s.walkDirs == nil {
				s.walkDirs = map[*source]*tree.Prefetcher{}
			}
			s.walkDirs[src] = pf // for this pass's walk (stream)
			defer delete(s.walkDirs, src)
		}
	}
	serr := s.stream(ctx, pb)
	if serr != nil && !role.Cancelled(ctx, serr) {
		return role.Stats{}, serr
	}
	// A cancelled pass ends with the PassDone exchange too: wait for it
	// whatever ctx says (a peer that never answers is cut off by the
	// link's failure).
	rs, err := s.AwaitPassDone(context.WithoutCancel(ctx), pb.Pass)
	if err != nil {
		return role.Stats{}, err
	}
	s.mu.Lock()
	mine := s.stats
	s.stats = role.Stats{}
	s.mu.Unlock()
	io := s.IOStats()
	mine.BytesSent, mine.BytesReceived = io.BytesSent, io.BytesReceived
	if err := s.Link.Send(&wire.PassDone{Pass: pb.Pass, Stats: mine}); err != nil {
		return role.Stats{}, err
	}
	// The receiver counts files; the byte counts are this side's.
	rs.LiteralBytes, rs.MatchedBytes = mine.LiteralBytes, mine.MatchedBytes
	rs.Errors += mine.Errors // each side counts only the failures it saw first
	rs.BytesSent, rs.BytesReceived = mine.BytesSent, mine.BytesReceived
	if serr != nil {
		return rs, serr // cancelled
	}
	return rs, nil
}
