package cli

import (
	"github.com/ferrysync/ferry"
)

// Swarm by default: a pull of a whole daemon module into a local directory
// whose options the swarm path honours asks the daemon (PreferSwarm); when
// the module's READY says it serves swarm, the pull becomes a swarm fetch
// (runSwarm). --no-swarm refuses it; --swarm forces it and refuses, by
// name, an option it cannot honour. An option the swarm path cannot honour
// makes a default run a normal sync (a -v note says why).

// swarmOption is an option the swarm path cannot honour, set when on.
type swarmOption struct {
	name string
	on   bool
}

// swarmUnsupported names the first option of o the swarm path cannot
// honour, or "".
func swarmUnsupported(o *syncOptions) string {
	p, d := &o.sync, ferry.DefaultOptions()
	var src ferry.Operand
	if len(o.srcs) == 1 {
		src, _ = ferry.ParseOperand(o.srcs[0])
	}
	dst, _ := ferry.ParseOperand(o.dst)
	for _, c := range []swarmOption{
		{"more than one source", len(o.srcs) != 1},
		{"a source that is not a daemon module", src.Kind != ferry.Daemon},
		{"--seed with --dry-run", o.swarm.seed != "" && p.DryRun},
		{"--seed with a path inside the module", o.swarm.seed != "" && src.Kind == ferry.Daemon && src.Path != ""},
		{"a destination that is not a local directory", o.dst == "" || dst.Kind != ferry.Local},
		{"--no-recursive", !p.Recursive},
		{"--no-links", !p.Links},
		{"--no-perms", !p.Perms},
		{"--no-times", !p.Times},
		{"--hard-links", p.HardLinks},
		{"--xattrs", p.Xattrs},
		{"--acls", p.ACLs},
		{"--copy-links", p.CopyLinks},
		{"--copy-unsafe-links", p.CopyUnsafeLinks},
		{"--safe-links", p.SafeLinks},
		{"--copy-dirlinks", p.CopyDirLinks},
		{"--keep-dirlinks", p.KeepDirLinks},
		{"--max-delete", p.MaxDelete != d.MaxDelete},
		{"--existing", p.Existing},
		{"--min-size", p.MinSize != 0},
		{"--max-size", p.MaxSize != 0},
		{"--ignore-times", p.IgnoreTimes},
		{"--modify-window", p.ModifyWindow != d.ModifyWindow},
		{"--remove-source-files", p.RemoveSource},
		{"per-directory filter rules (dir-merge, -F, -C)", len(p.Filters) > 0 && !ferry.SwarmFiltersSupported(*p)},
		{"--prune-empty-dirs", p.PruneEmptyDirs},
		{"--checksum", p.Checksum},
		{"--size-only", p.SizeOnly},
		{"--ignore-existing", p.IgnoreExisting},
		{"--update", p.Update},
		{"--inplace", p.Inplace},
		{"--one-file-system", p.OneFileSystem},
		{"--mkpath", p.MkPath},
		{"--relative", p.Relative},
		{"--files-from", p.FilesFrom != nil},
		{"--list-only", p.ListOnly},
		{"--fuzzy", p.Fuzzy},
		{"--sparse", p.Sparse},
		{"--preallocate", p.Preallocate},
		{"--chmod", len(p.Chmod) > 0},
		{"--usermap/--groupmap/--chown", p.UserMap != "" || p.GroupMap != ""},
		{"--partial-dir", p.PartialDir != ""},
		{"--temp-dir", p.TempDir != ""},
		{"--delay-updates", p.DelayUpdates},
		{"--shard", p.Shards > 1},
		{"--parallel", p.Parallel > 1},
		{"--cooperate", p.Cooperate},
		{"--backup", p.Backup || p.BackupDir != ""},
		{"--link-dest/--compare-dest/--copy-dest", len(p.LinkDest)+len(p.CompareDest)+len(p.CopyDest) > 0},
		{"--bwlimit", p.BWLimit > 0},
		{"--itemize-changes without --dry-run", o.itemize && !p.DryRun},
		{"--out-format without --dry-run", o.outFormat != "" && !p.DryRun},
		{"--log-file", o.logFile != ""},
	} {
		if c.on {
			return c.name
		}
	}
	return ""
}
