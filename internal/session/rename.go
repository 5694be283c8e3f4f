package session

import (
	"context"

	"github.com/ferrysync/ferry/internal/receiver"
	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/sender"
	"github.com/ferrysync/ferry/internal/tree"
)

// Rename is a rename in the source replicated as one (PassRenames).
type Rename = role.Rename

// PassRenames is Pass that first replicates renames made in the source,
// in order: with the rename capability, and when this side sends, the
// receiver moves each Old to New itself, so nothing under them travels
// again. paths need not name them: each Old is added (it is gone from
// the source, or changed since); a New changed after its rename must be
// in paths. A rename the receiver cannot do (Old missing there, another
// type of entry) is followed at once by a pass over both names, so the
// result is the same either way; so is every rename when the peer cannot
// do renames. When this side receives, its own receiver does them (the
// renames were seen in a local source, as by ferry watch).
func (cl *Client) PassRenames(ctx context.Context, paths []string, renames []Rename) (Stats, error) {
	cl.passMu.Lock()
	defer cl.passMu.Unlock()
	s, _ := cl.r.(renamer)
	_, sends := cl.r.(*sender.Engine)
	if len(renames) > 0 && (s == nil || sends && !cl.c.Caps.Rename || len(renames) > maxRenames) {
		paths = append(paths, renameNames(renames)...)
		renames = nil
	}
	var keep []Rename
	for _, rn := range renames {
		if tree.ValidPath(rn.Old) != nil || tree.ValidPath(rn.New) != nil {
			paths = append(paths, rn.Old, rn.New) // reported as bad paths
			continue
		}
		keep = append(keep, rn)
		paths = append(paths, rn.Old)
	}
	renames = keep
	var bad uint64
	if len(paths) > 0 {
		paths, bad = cl.validPaths(paths)
		if len(paths) == 0 {
			return Stats{Errors: bad}, nil
		}
	}
	st, err := cl.passes(ctx, paths, renames)
	st.Errors += bad
	if err != nil || s == nil || len(renames) == 0 {
		return st, err
	}
	// The renames the receiver could not do: their names, sent as any
	// changed path.
	failed, all := s.TakeFailedRenames()
	if len(failed) == 0 && !all {
		return st, nil
	}
	var more []string
	if !all {
		more = renameNames(failed)
	}
	fst, err := cl.passes(ctx, more, nil)
	st.Add(fst)
	return st, err
}

// maxRenames bounds the renames of one pass (the receiver's limit).
const maxRenames = 1 << 16

// renameNames returns both names of every rename.
func renameNames(rs []Rename) []string {
	out := make([]string, 0, 2*len(rs))
	for _, rn := range rs {
		out = append(out, rn.Old, rn.New)
	}
	return out
}

// renamer is an engine that replicates renames.
type renamer interface {
	// TakeFailedRenames returns the renames not done since the last
	// call; all: more failed than were kept.
	TakeFailedRenames() (failed []Rename, all bool)
}

// sendRenames sends the renames of pass before its PassBegin: to the
// receiving peer, or to this side's own receiver.
func (cl *Client) sendRenames(pass uint64, renames []Rename) error {
	if len(renames) == 0 {
		return nil
	}
	switch r := cl.r.(type) {
	case *sender.Engine:
		return r.SendRenames(pass, renames)
	case *receiver.Engine:
		r.QueueRenames(pass, renames)
	}
	return nil
}
