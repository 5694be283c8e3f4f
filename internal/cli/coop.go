package cli

import "github.com/ferrysync/ferry/internal/coop"

// finishCoop checks --shard, --parallel and --cooperate
// (docs/COOPERATION.md).
func (o *syncOptions) finishCoop() error {
	if o.shard != "" {
		sh, err := coop.ParseShard(o.shard)
		if err != nil {
			return usagef("%v", err)
		}
		o.sync.Shard, o.sync.Shards = sh.K, sh.N
	}
	p := o.sync.Parallel
	switch {
	case p < 0 || p > 64:
		return usagef("ferry: --parallel must be between 1 and 64, not %d", p)
	case p > 1 && o.sync.Shards*p > coop.MaxShards:
		return usagef("ferry: --shard %s with --parallel %d makes more than %d shards", o.shard, p, coop.MaxShards)
	case o.sync.Cooperate && o.sync.DelayUpdates:
		return usagef("ferry: --cooperate cannot be combined with --delay-updates")
	case p > 1 && o.sync.ListOnly:
		return usagef("ferry: --parallel cannot list a source")
	}
	return nil
}
