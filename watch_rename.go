package ferry

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/ferrysync/ferry/internal/session"
)

// passRenames is Pass that first replays renames made in the source (a
// watch's batch): the receiver moves each one itself, so nothing under
// it travels again. Renames are replicated so only with Delete (a
// rename drops the old name, which a sync without --delete keeps) and
// without filters (a rename may cross them); otherwise, and for every
// rename the receiver cannot do, both names are compared as changed
// paths: the result is the same, only slower.
//
// srcDir, when not empty, is the local source directory the renames are
// relative to, whose parent directories' times go with them.
func (s *Session) passRenames(ctx context.Context, paths []string, renames []WatchRename, srcDir string) (Stats, error) {
	if len(renames) == 0 {
		return s.Pass(ctx, paths)
	}
	if !s.opts.Delete || len(s.opts.Filters) > 0 || s.opts.DryRun || s.opts.Backup {
		for _, rn := range renames {
			paths = append(paths, rn.Old, rn.New)
		}
		return s.Pass(ctx, paths)
	}
	rs := make([]session.Rename, len(renames))
	for i, rn := range renames {
		tp := s.transferPaths([]string{rn.Old, rn.New})
		rs[i] = session.Rename{Old: tp[0], New: tp[1], Dir: rn.Dir,
			OldParentMTime: dirMTime(srcDir, rn.Old), NewParentMTime: dirMTime(srcDir, rn.New)}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	s.stats.reset()
	ws, err := s.cl.PassRenames(ctx, s.transferPaths(paths), rs)
	st, err := s.result(ws, err, time.Since(start))
	s.passDone(st, err)
	return st, err
}

// dirMTime is the modification time of the parent directory of rel in
// the local directory srcDir, or 0.
func dirMTime(srcDir, rel string) int64 {
	if srcDir == "" {
		return 0
	}
	fi, err := os.Lstat(filepath.Join(srcDir, filepath.FromSlash(path.Dir(rel))))
	if err != nil || !fi.IsDir() {
		return 0
	}
	return fi.ModTime().UnixNano()
}
