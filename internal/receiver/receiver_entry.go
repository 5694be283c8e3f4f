package receiver

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
)

// preserveDir is the metadata applied to directories: like files, but the
// mode always, so that the 0700 used while filling them is undone.
func (r *Engine) preserveDir() fsys.Preserve {
	p := r.preserve()
	p.Perms = true
	if r.omitDirTimes() { // backup hook (backup.go)
		p.Times = false
	}
	return p
}

func (r *Engine) count(f func(s *role.Stats)) {
	r.mu.Lock()
	f(&r.stats)
	r.mu.Unlock()
}

// countEntry counts the source entry s in the stats.
func (r *Engine) countEntry(s *tree.Entry) {
	if s.Type == tree.TypeDir && !r.Cfg.Shard.Owns(s.Path, "") {
		return // shard hook (shard.go): a directory counts in one shard's stats
	}
	r.count(func(st *role.Stats) {
		st.Files++
		switch s.Type {
		case tree.TypeDir:
			st.Dirs++
		case tree.TypeFile:
			st.RegularFiles++
			st.TotalSize += uint64(s.Size)
		case tree.TypeSymlink: // correctness hook: rsync's total size counts link targets
			st.TotalSize += uint64(len(s.LinkTarget))
		}
	})
}

// process decides and acts on one source entry s, whose destination
// counterpart is ex (nil when missing).
func (r *Engine) process(m *merger, s, ex *tree.Entry, parent *dirNode) error {
	if r.outOfShard(s) { // shard hook (shard.go)
		return nil
	}
	name := r.dstName(s.Path)
	r.countEntry(s)
	switch s.Type {
	case tree.TypeSymlink:
		if !r.Cfg.Links {
			return nil
		}
		if r.Cfg.SafeLinks && tree.UnsafeLink(s.Path, s.LinkTarget) {
			// --safe-links: ignored, and what the destination has under
			// its name is neither replaced nor deleted (as rsync).
			return nil
		}
	case tree.TypeChar, tree.TypeBlock:
		if !r.Cfg.Devices || !role.IsRoot {
			return nil // without root, skipped silently, as rsync does
		}
	case tree.TypeFIFO, tree.TypeSocket:
		if !r.Cfg.Specials {
			return nil
		}
	}
	if r.skipped(s, ex) {
		if s.Type == tree.TypeDir {
			m.pushDir(s, parent, false, false) // for its entries, skipped too
		}
		return nil
	}
	// A directory in the way of a non-directory goes first.
	if ex != nil && ex.Type == tree.TypeDir && s.Type != tree.TypeDir {
		if !r.makeRoom(s, name) { // correctness hook (receiver_conflict.go)
			return nil
		}
		ex = nil
	}
	if parent != nil && !r.Cfg.DryRun {
		r.touchDir(parent)
	}
	if s.Path == "." && r.rootCreated {
		ex, r.rootCreated = nil, false
	}
	switch s.Type {
	case tree.TypeDir:
		r.doDir(m, s, ex, parent, name)
	case tree.TypeFile:
		return r.doFile(m, s, ex, parent, name)
	case tree.TypeSymlink:
		if ex != nil && ex.Type == tree.TypeSymlink && ex.LinkTarget == s.LinkTarget && !r.Cfg.WriteOnly { // write-only hook (writeonly.go): made again
			r.attrsOnly(s, ex, name)
			return nil
		}
		if r.nodeFromBasis(s, ex, parent, name) { // basis hook (basis.go)
			return nil
		}
		it := r.itemize('c', s, r.basisOrDest(s, ex, name), false)
		if !r.Cfg.DryRun {
			if ex != nil && !r.backup(s.Path, name, true, parent) { // backup hook (backup.go)
				return nil
			}
			if err := r.root.Symlink(s.LinkTarget, name); err != nil {
				r.fail("symlink", s.Path, err)
				return nil
			}
			r.setMeta(s, name)
		}
		r.created(s, ex, it)
	default:
		if ex != nil && ex.Type == s.Type && ex.Rdev == s.Rdev && !r.Cfg.WriteOnly { // write-only hook (writeonly.go): made again
			r.attrsOnly(s, ex, name)
			return nil
		}
		if r.nodeFromBasis(s, ex, parent, name) { // basis hook (basis.go)
			return nil
		}
		it := r.itemize('c', s, r.basisOrDest(s, ex, name), false)
		if !r.Cfg.DryRun {
			if ex != nil && !r.backup(s.Path, name, true, parent) { // backup hook (backup.go)
				return nil
			}
			if err := r.root.Mknod(name, nodeType(s.Type), s.Mode, s.Rdev); err != nil {
				r.fail("mknod", s.Path, err)
				return nil
			}
			r.setMeta(s, name)
		}
		r.created(s, ex, it)
	}
	return nil
}

func nodeType(t tree.Type) fsys.NodeType {
	switch t {
	case tree.TypeChar:
		return fsys.NodeChar
	case tree.TypeBlock:
		return fsys.NodeBlock
	case tree.TypeFIFO:
		return fsys.NodeFIFO
	}
	return fsys.NodeSocket
}

func (r *Engine) setMeta(s *tree.Entry, name string) {
	if err := r.root.SetMeta(name, r.meta(s), r.preserve()); err != nil {
		r.fail("set attributes", s.Path, err)
	}
}

// attrsOnly brings an up-to-date entry's attributes in line.
func (r *Engine) attrsOnly(s, ex *tree.Entry, name string) {
	it := r.itemize('.', s, ex, false)
	if it == "" {
		r.sourceDone(s)
		return
	}
	if !r.Cfg.DryRun {
		r.setMeta(s, name)
	}
	r.report(role.Event{Kind: role.EventChanged, Path: s.Path, Itemize: it, Size: s.Size, LinkTarget: linkTargetOf(s, it)}) // correctness hook
	r.sourceDone(s)
}

// created reports a newly created (or replaced) entry.
func (r *Engine) created(s, ex *tree.Entry, it string) {
	if ex == nil || ex.Type != s.Type || r.Cfg.WriteOnly { // correctness hook: a replaced entry of another type is created too (rsync); write-only hook: all are new
		r.count(func(st *role.Stats) { st.Created++ })
	}
	r.report(role.Event{Kind: role.EventChanged, Path: s.Path, Itemize: it, Size: s.Size, LinkTarget: linkTargetOf(s, it)}) // correctness hook
	// delay hook: a held file is done at its rename (delay.go)
	if !r.isHeld(s.Path) {
		r.sourceDone(s)
	}
}

// doDir creates or updates a directory; its final mode and times are
// applied when the stream leaves it.
func (r *Engine) doDir(m *merger, s, ex *tree.Entry, parent *dirNode, name string) {
	if ex != nil && ex.Type != tree.TypeDir && !r.Cfg.DryRun {
		if r.bak != nil { // backup hook (backup.go)
			if !r.backup(s.Path, name, false, parent) {
				return
			}
		} else if err := r.root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			// Gone already: removed by another run into this destination
			// at once (--shard, --parallel, --cooperate: each makes every
			// directory).
			r.fail("delete", s.Path, err)
			return
		}
		ex = nil
	}
	if ex != nil && ex.Type != tree.TypeDir {
		ex = nil // correctness hook: in a dry run too, the directory is new ("cd+++++++++")
	}
	apply := r.Cfg.Perms || r.Cfg.Times || r.Cfg.Owner || r.Cfg.Group
	existed, made := ex != nil, false
	if ex == nil || r.Cfg.WriteOnly { // write-only hook (writeonly.go): an existing directory is reported as new
		it := r.itemize('c', s, nil, false)
		if len(r.bases) > 0 { // basis hook (basis.go)
			if bit, ok := r.basisDirItem(s, name); ok {
				it = bit
			}
		}
		if !r.Cfg.DryRun && name != "." && ex == nil {
			err := r.root.Mkdir(name, s.Mode|0o700)
			if err != nil && !errors.Is(err, errExist) {
				r.fail("mkdir", s.Path, err)
				return
			}
			made = err == nil
		}
		if it != "" {
			r.created(s, nil, it)
		} else {
			r.count(func(st *role.Stats) { st.Created++ })
		}
		apply = true
	} else if it := r.itemize('.', s, ex, false); it != "" {
		r.report(role.Event{Kind: role.EventChanged, Path: s.Path, Itemize: it})
	} else {
		apply = false
	}
	m.pushDir(s, parent, apply, existed)
	m.dirs[len(m.dirs)-1].made = made
}

// doFile decides whether a regular file moves and starts its job.
func (r *Engine) doFile(m *merger, s, ex *tree.Entry, parent *dirNode, name string) error {
	if r.Cfg.WriteOnly { // write-only hook (writeonly.go): every file moves, whole
		return r.startFile(m, s, ex, parent, name, r.itemize('>', s, nil, false), nil)
	}
	if ex != nil && ex.Type == tree.TypeFile {
		if r.Cfg.IgnoreExisting {
			return nil
		}
		if r.Cfg.Update && r.keepNewer(s, ex) {
			return nil
		}
	}
	if s.HardLink != "" && r.Cfg.HardLinks {
		return r.doHardLink(s, ex, parent, name)
	}
	if len(r.bases) > 0 { // basis hook (basis.go)
		if done, err := r.fileFromBasis(m, s, ex, parent, name); done || err != nil {
			return err
		}
	}
	sumDiffers := false
	if ex != nil && ex.Type == tree.TypeFile {
		var same bool
		same, sumDiffers = r.sameData(r.root, s, ex, name)
		if same {
			r.attrsOnly(s, ex, name)
			return nil
		}
	}
	if r.Cfg.Cooperate && !r.Cfg.DryRun { // coop hook (coop.go)
		c, done := r.claimFile(s, parent, name)
		if done {
			return nil
		}
		r.coop.next = c
	}
	return r.startFile(m, s, ex, parent, name, r.itemize('>', s, ex, sumDiffers), nil)
}

// sameData runs the quick check (size and mtime), the size-only check or
// the checksum check of s against ex, the entry name in root (the
// destination, or a basis directory).
func (r *Engine) sameData(root *fsys.Root, s, ex *tree.Entry, name string) (same, sumDiffers bool) {
	if s.Size != ex.Size {
		return false, r.Cfg.Checksum
	}
	switch {
	case r.Cfg.SizeOnly:
		return true, false
	case r.Cfg.Checksum:
		sum, err := tree.ChecksumFile(root.OSRoot(), name)
		if err != nil {
			return false, true
		}
		if !bytes.Equal(sum, s.Checksum) {
			return false, true
		}
		return true, false
	}
	if r.Cfg.IgnoreTimes {
		return false, false
	}
	return r.mtimeCmp(s.MTime, ex.MTime) == 0, false
}

// doHardLink makes name a link to the group leader, now or, when the
// leader is still in flight, once it is committed.
func (r *Engine) doHardLink(s, ex *tree.Entry, parent *dirNode, name string) error {
	leader := r.dstName(s.HardLink)
	if len(r.bases) > 0 && r.Cfg.BasisKind == wire.BasisCompare && r.findBasis(s, name).level == basisUnchgd {
		return nil // basis hook (basis.go): left out, as its leader is
	}
	r.mu.Lock()
	if j := r.byPath[s.HardLink]; j != nil {
		r.addPending(parent)
		j.followers = append(j.followers, follower{s: s, ex: ex, dir: parent, name: name})
		if r.order != nil {
			r.order.reserve(s.Path)
		}
		r.mu.Unlock()
		return nil
	}
	r.mu.Unlock()
	if r.Cfg.Cooperate && r.coop.skippedLeader(s, parent, name) { // coop hook (coop.go): linked once the leader is there
		r.addPending(parent)
		return nil
	}
	if r.deferLink(s.HardLink, follower{s: s, ex: ex, dir: parent, name: name}) { // delay hook (delay.go): the leader is held
		return nil
	}
	r.link(s, ex, leader, name)
	return nil
}

// link creates the hard link name to leader.
func (r *Engine) link(s, ex *tree.Entry, leader, name string) {
	if ex != nil && !r.Cfg.WriteOnly { // write-only hook (writeonly.go): linked again
		if le := r.lstat(leader); le != nil && le.Ino == ex.Ino && le.Dev == ex.Dev {
			r.sourceDone(s)
			return
		}
	}
	it := r.itemize('h', s, ex, false)
	if !r.Cfg.DryRun {
		if ex != nil && !r.backup(s.Path, name, true, nil) { // backup hook (backup.go)
			return
		}
		if err := r.root.Link(leader, name); err != nil {
			r.fail("link", s.Path, fmt.Errorf("to %s: %w", s.HardLink, err))
			return
		}
	}
	r.created(s, ex, it)
}
