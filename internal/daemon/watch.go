package daemon

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/session"
	"github.com/ferrysync/ferry/internal/watch"
)

// followModule is what a sending module session runs while its client
// follows it (ferry watch ferry://host/module/ dst/): the module's tree
// under the run's one source path is watched and each batch of changes
// starts a pass (watch.Follow). paths points at the run's paths, confined
// by confineRun before the client can ask to follow: relative to the
// module and free of symbolic links, so their OS path under the module's
// directory is the directory the session reads through its root.
// With s.NoWatch (the module's watch = false) it refuses, naming the
// module: a client that did not say it opened the module for a watch
// (CapWatch) is refused here.
func followModule(s *Session, paths *[]string) session.FollowRenamesFunc {
	return func(ctx context.Context, pass func([]string, []session.Rename) (session.Stats, error)) error {
		if s.NoWatch {
			return &role.UsageError{Msg: watchRefused(s.Module)}
		}
		if len(*paths) != 1 {
			return fmt.Errorf("module %s: a watch follows one source path, not %d", s.Module, len(*paths))
		}
		p := (*paths)[0]
		return watch.Follow(filepath.Join(s.Path, filepath.FromSlash(p)), p, watch.Options{})(ctx, pass)
	}
}
