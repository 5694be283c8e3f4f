package sender

import (
	"fmt"
	"sync/atomic"

	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
)

// Bounds on the signatures a sender holds (docs/PROTOCOL.md, "Limits").
const (
	// MaxSigMemory bounds the signature memory of one session: the blocks
	// of every request received and not yet served, each charged
	// SigBlockCost plus its strong length. A request whose blocks would
	// pass it is still read to its end, but its blocks are dropped and the
	// file is sent whole.
	MaxSigMemory = 96 << 20
	// MaxSigMemoryProcess bounds the signature memory of all the sessions
	// of one process (a daemon's clients together): a request past it is
	// dropped as one past MaxSigMemory.
	MaxSigMemoryProcess = 128 << 20
	// SigBlockCost is what one signature block is charged, besides its
	// strong hash: its weak sum as stored, and its share of the index the
	// delta builds of it.
	SigBlockCost = 32
)

// sigCost is the charge of count blocks of strongLen bytes (the decoder
// bounds count by 2^40 and strongLen by 16: no overflow).
func sigCost(count, strongLen uint64) uint64 { return count * (SigBlockCost + strongLen) }

// acceptBasis checks a FileRequest that announces signature blocks before
// any of them is stored, and reserves their memory; past MaxSigMemory the
// request is marked to drop its blocks. Called with s.mu held.
func (s *Engine) acceptBasis(r *request) error {
	m := &r.FileRequest
	if _, dup := s.partial[m.ID]; dup {
		return fmt.Errorf("%w: duplicate request id %d", role.ErrProtocol, m.ID)
	}
	if m.BasisSize <= 0 || m.BlockCount > uint64(m.BasisSize)/m.BlockLen+1 {
		return fmt.Errorf("%w: %d blocks for a %d-byte basis", role.ErrProtocol, m.BlockCount, m.BasisSize)
	}
	if err := tree.ValidPath(m.Path); err != nil || m.Path == "." {
		return fmt.Errorf("%w: request %d for bad path %q", role.ErrProtocol, m.ID, m.Path)
	}
	if c := sigCost(m.BlockCount, m.StrongLen); c <= MaxSigMemory-s.sigMem && reserveProcess(c) {
		s.sigMem += c
		r.cost = c
	} else {
		r.drop = true
	}
	return nil
}

// processSigMem is the signature memory reserved by every session of
// this process.
var processSigMem atomic.Int64

// reserveProcess takes c bytes of the process's signature memory, if
// MaxSigMemoryProcess leaves room for them.
func reserveProcess(c uint64) bool {
	if c > MaxSigMemoryProcess {
		return false
	}
	if processSigMem.Add(int64(c)) > MaxSigMemoryProcess {
		processSigMem.Add(-int64(c))
		return false
	}
	return true
}

// releaseAll returns what the session still reserves (requests never
// served: the session ended first) to the process. Called by Close once
// the workers are done.
func (s *Engine) releaseAll() {
	s.mu.Lock()
	processSigMem.Add(-int64(s.sigMem))
	s.sigMem = 0
	s.mu.Unlock()
}

// addBlocks stores (or, for a dropped request, counts) the blocks of m.
// Called with s.mu held.
func (r *request) addBlocks(m *wire.SigBlocks) {
	r.got += uint64(len(m.Blocks))
	if r.drop {
		return
	}
	for _, b := range m.Blocks {
		r.weak = append(r.weak, b.Weak)
		r.strong = append(r.strong, b.Strong...)
	}
}

// release returns a served request's signature memory to the session.
func (s *Engine) release(r *request) {
	s.mu.Lock()
	s.sigMem -= r.cost
	processSigMem.Add(-int64(r.cost))
	s.mu.Unlock()
	r.cost, r.weak, r.strong = 0, nil, nil
}

// maxCredits is where a sender's entry window saturates.
const maxCredits = 1 << 62

// SigMemoryInUse returns the signature memory reserved by the sessions of
// this process (at most MaxSigMemoryProcess).
func SigMemoryInUse() int64 { return processSigMem.Load() }
