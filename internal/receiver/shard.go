package receiver

import "github.com/ferrysync/ferry/internal/tree"

// The shard hook (--shard K/N, internal/coop): a receiver with a shard
// handles every directory (so that each shard's run creates the parents
// of its files and leaves them with the same metadata) but only the
// non-directories of its shard, and deletes only the extraneous entries
// whose path is in its shard. A hard-link follower goes with its leader,
// so a group is made by one shard.

// outOfShard reports whether the source entry s belongs to another
// shard: it is then left alone, neither counted nor compared, and,
// listed by the sender, protected from deletion.
func (r *Engine) outOfShard(s *tree.Entry) bool {
	if s.Type == tree.TypeDir || r.Cfg.Shard.N <= 1 {
		return false
	}
	leader := ""
	if r.Cfg.HardLinks {
		leader = s.HardLink
	}
	return !r.Cfg.Shard.Owns(s.Path, leader)
}

// deletableInShard reports whether the extraneous destination entry p
// (not inside an extraneous directory being deleted, which goes whole)
// is this shard's to delete.
func (r *Engine) deletableInShard(p string) bool {
	return r.Cfg.Shard.Owns(p, "")
}
