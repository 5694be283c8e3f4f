package ferry

import (
	"fmt"
	"path"
	"strings"

	"github.com/ferrysync/ferry/internal/session"
	"github.com/ferrysync/ferry/internal/wire"
)

// destOptions checks the backup and basis-directory options and sets them
// in cfg, with rsync's defaults and rsync's refusals.
func destOptions(o Options, cfg *session.Config) error {
	if o.DelayUpdates && o.Inplace {
		return fmt.Errorf("%w: --delay-updates cannot be combined with --inplace", ErrBadOption)
	}
	if strings.IndexByte(o.TempDir, 0) >= 0 {
		return fmt.Errorf("%w: --temp-dir %q contains a NUL byte", ErrBadOption, o.TempDir)
	}
	if o.Backup || o.BackupDir != "" {
		cfg.Backup, cfg.BackupDir, cfg.Suffix = true, o.BackupDir, o.Suffix
		switch {
		case strings.Contains(o.Suffix, "/"):
			return fmt.Errorf("%w: --suffix cannot contain slashes: %s", ErrBadOption, o.Suffix)
		case o.Suffix == "" && o.BackupDir == "":
			cfg.Suffix = "~"
		}
		if cfg.Suffix == "" && path.Clean(o.BackupDir) == "." {
			return fmt.Errorf("%w: --backup-dir %q is the destination itself: with no --suffix each backup would replace its file", ErrBadOption, o.BackupDir)
		}
		if strings.IndexByte(o.BackupDir, 0) >= 0 {
			return fmt.Errorf("%w: --backup-dir %q contains a NUL byte", ErrBadOption, o.BackupDir)
		}
	}
	kinds := []struct {
		name string
		kind uint8
		dirs []string
	}{
		{"--compare-dest", wire.BasisCompare, o.CompareDest},
		{"--copy-dest", wire.BasisCopy, o.CopyDest},
		{"--link-dest", wire.BasisLink, o.LinkDest},
	}
	used := ""
	for _, k := range kinds {
		if len(k.dirs) == 0 {
			continue
		}
		if used != "" {
			return fmt.Errorf("%w: the %s option conflicts with the %s option", ErrBadOption, used, k.name)
		}
		used = k.name
		if len(k.dirs) > wire.MaxBasisDirs {
			return fmt.Errorf("%w: at most %d %s args may be specified", ErrBadOption, wire.MaxBasisDirs, k.name)
		}
		for _, d := range k.dirs {
			if d == "" || strings.IndexByte(d, 0) >= 0 {
				return fmt.Errorf("%w: bad %s directory %q", ErrBadOption, k.name, d)
			}
		}
		cfg.BasisKind, cfg.BasisDirs = k.kind, k.dirs
	}
	return nil
}
