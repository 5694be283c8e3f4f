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
	var bad uint64
	st, err := renamePasses(cl.r, &cl.p.Cfg, cl.c.Caps.Rename, paths, renames, func(paths []string, renames []Rename) (Stats, error) {
		if len(paths) > 0 {
			var b uint64
			paths, b = cl.validPaths(paths)
			bad += b
			if len(paths) == 0 {
				return Stats{}, nil
			}
		}
		return cl.passes(ctx, paths, renames)
	})
	st.Errors += bad
	return st, err
}

// renamePasses runs pass over paths, with renames replicated first when
// engine r and the peer can (capable: both offered rename) and the run
// allows (renamesApply), then a pass
// over both names of each rename the receiver could not do. pass runs
// one pass (and, with DeleteBefore, its delete-only one), the renames
// going before its PassBegin; an empty paths is the whole tree.
func renamePasses(r engine, cfg *Config, capable bool, paths []string, renames []Rename, pass func(paths []string, renames []Rename) (Stats, error)) (Stats, error) {
	rr, _ := r.(renamer)
	_, sends := r.(*sender.Engine)
	if len(renames) > 0 && (rr == nil || sends && !capable || len(renames) > maxRenames || !renamesApply(cfg)) {
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
	st, err := pass(paths, renames)
	if err != nil || len(renames) == 0 {
		return st, err
	}
	// The renames the receiver could not do: their names, sent as any
	// changed path.
	failed, all := rr.TakeFailedRenames()
	if len(failed) == 0 && !all {
		return st, nil
	}
	var more []string
	if !all {
		more = renameNames(failed)
	}
	fst, err := pass(more, nil)
	st.Add(fst)
	return st, err
}

// renamesApply reports whether a run's options let a rename in the
// source be replicated as a rename: it deletes (a rename drops the old
// name, which a run without deletion keeps), has no filter rules (a
// rename may cross them), makes no backups and is no dry run.
func renamesApply(cfg *Config) bool {
	return cfg.Delete && len(cfg.Filters) == 0 && !cfg.Backup && !cfg.DryRun
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
func sendRenames(r engine, pass uint64, renames []Rename) error {
	if len(renames) == 0 {
		return nil
	}
	switch r := r.(type) {
	case *sender.Engine:
		return r.SendRenames(pass, renames)
	case *receiver.Engine:
		r.QueueRenames(pass, renames)
	}
	return nil
}
