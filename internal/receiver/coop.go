package receiver

import (
	"errors"
	"syscall"
	"time"

	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/tree"
)

// The coop hook (--cooperate; docs/COOPERATION.md): several processes
// sync into one destination, each from its own copy of the source. Each
// file that needs moving is claimed first (fsys.Claim: a claim file
// beside it under an flock); one another live process holds is skipped
// and counted as a change still to come in its directory, so that the
// directory's metadata waits. At the end of the pass (recheckClaims,
// before the last directories are finished) each skipped file is claimed
// again, waiting for its holder: the holder finished it (the quick check
// says so, and only its attributes are checked) or died (the file is
// moved here). Hard links whose leader was skipped are made then too.
// Deletions need no claim: every process deletes only what its source
// lacks, and a deletion that finds the entry gone counts nothing; an
// entry changed (ctime) since the pass began is left alone (coopKeeps),
// as another process may have just made it from a newer source.

// coopState is the receiver's cooperation state; the merge goroutine
// alone uses it.
type coopState struct {
	next    *fsys.Claim     // the claim for the startFile about to run
	skipped []coopSkip      // in stream order: a leader before its followers
	leaders map[string]bool // paths of the skipped files
}

// coopSkip is a file left to another process, or a hard link to one.
type coopSkip struct {
	s      *tree.Entry
	dir    *dirNode
	name   string
	follow bool // a hard link to the skipped leader s.HardLink
}

// take returns the claim for the file being started (nil when none).
func (c *coopState) take() *fsys.Claim {
	cl := c.next
	c.next = nil
	return cl
}

// skippedLeader notes the hard link s when its leader was skipped: it is
// made at the recheck.
func (c *coopState) skippedLeader(s *tree.Entry, dir *dirNode, name string) bool {
	if !c.leaders[s.HardLink] {
		return false
	}
	c.skipped = append(c.skipped, coopSkip{s: s, dir: dir, name: name, follow: true})
	return true
}

// claimFile claims the file s (name in the destination) before it is
// moved. done says the caller has nothing more to do: another process
// holds it (noted for the recheck), it failed, or another process has
// finished it since the destination walk saw it.
func (r *Engine) claimFile(s *tree.Entry, dir *dirNode, name string) (c *fsys.Claim, done bool) {
	c, err := r.root.Claim(name, false)
	switch {
	case errors.Is(err, fsys.ErrClaimed):
		r.addPending(dir)
		r.coop.skipped = append(r.coop.skipped, coopSkip{s: s, dir: dir, name: name})
		if r.coop.leaders == nil {
			r.coop.leaders = map[string]bool{}
		}
		r.coop.leaders[s.Path] = true
		return nil, true
	case err != nil:
		r.fail("claim", s.Path, err)
		return nil, true
	}
	if r.finishedByOther(c, s, name) {
		return nil, true
	}
	return c, false
}

// finishedByOther reports whether the destination file name, now claimed
// by c, already matches s (another process moved it): then c is released
// and only s's attributes are checked.
func (r *Engine) finishedByOther(c *fsys.Claim, s *tree.Entry, name string) bool {
	ex := r.lstat(name)
	if ex == nil || ex.Type != tree.TypeFile {
		return false
	}
	if same, _ := r.sameData(r.root, s, ex, name); !same {
		return false
	}
	r.releaseClaim(c, s.Path)
	r.attrsOnly(s, ex, name)
	return true
}

// releaseClaim releases c (nil: none), reporting a failure for p.
func (r *Engine) releaseClaim(c *fsys.Claim, p string) {
	if err := c.Release(); err != nil {
		r.fail("release claim", p, err)
	}
}

// recheckClaims takes each skipped file again, at the end of the merge:
// it waits for the claim, then checks the file, or moves it when its
// holder died before finishing it.
func (m *merger) recheckClaims() error {
	r := m.r
	skipped := r.coop.skipped
	r.coop.skipped, r.coop.leaders = nil, nil
	for _, k := range skipped {
		if err := m.ctx.Err(); err != nil {
			return err
		}
		if k.follow {
			r.linkRechecked(k)
			continue
		}
		c, err := r.root.Claim(k.name, true)
		if err != nil {
			r.fail("claim", k.s.Path, err)
			r.dirProgress(k.dir, 1)
			continue
		}
		if r.finishedByOther(c, k.s, k.name) {
			r.dirProgress(k.dir, 1)
			continue
		}
		ex := r.lstat(k.name)
		if ex != nil && ex.Type != tree.TypeFile {
			ex = nil
		}
		r.coop.next = c // stalled: its holder died; moved here
		err = r.startFile(m, k.s, ex, k.dir, k.name, r.itemize('>', k.s, ex, false), nil)
		r.dirProgress(k.dir, 1) // the skip's own count; the job has its own
		if err != nil {
			return err
		}
	}
	return nil
}

// linkRechecked makes the hard link k to its skipped leader: now, or, when
// the leader was taken over here and is still in flight, once it is
// committed (the job's finish counts k done in its directory).
func (r *Engine) linkRechecked(k coopSkip) {
	ex := r.lstat(k.name)
	r.mu.Lock()
	if j := r.byPath[k.s.HardLink]; j != nil {
		j.followers = append(j.followers, follower{s: k.s, ex: ex, dir: k.dir, name: k.name})
		if r.order != nil {
			r.order.reserve(k.s.Path)
		}
		r.mu.Unlock()
		return
	}
	r.mu.Unlock()
	r.link(k.s, ex, r.dstName(k.s.HardLink), k.name)
	r.dirProgress(k.dir, 1)
}

// dropStaleClaim removes the claim file name, met in the destination walk,
// when no live process holds it (one that died left it).
func (r *Engine) dropStaleClaim(name string) {
	if r.Cfg.DryRun {
		return
	}
	if err := r.root.RemoveStaleClaim(name); err != nil {
		r.fail("remove stale claim", name, err)
	}
}

// coopKeeps reports whether the extraneous destination entry p is kept
// from deletion because it changed after this pass began, give or take
// coopCtimeSlack (its ctime,
// which no one can set back): cooperating, another process may have
// made it from its source.
func (r *Engine) coopKeeps(p string) bool {
	if !r.Cfg.Cooperate {
		return false
	}
	fi, err := r.root.Lstat(p)
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	since := r.passStart.Add(-coopCtimeSlack)
	if role.TestHooks.ExactCtime {
		since = r.passStart
	}
	return ok && time.Unix(st.Ctim.Unix()).After(since)
}

// coopCtimeSlack is how long before the pass began a change still counts
// as made during it: file times come from the kernel's coarse clock (a
// tick behind), some filesystems keep whole seconds.
const coopCtimeSlack = 2 * time.Second
