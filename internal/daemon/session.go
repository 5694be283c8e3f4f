package daemon

import (
	"context"
	"fmt"
	"net"

	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/session"
	"github.com/ferrysync/ferry/internal/wire"
)

// SessionHandler serves the ferry sync protocol (internal/session) in a
// module. The run request is checked before anything is opened: the role
// must be the one the client asked for in OPEN (so read_only and write_only
// hold), every path is checked by confinePath and passed on relative to
// the module, whose os.Root the session opens everything through, and a
// receiver creates no device nodes and no setuid or setgid files unless
// the module allows them (allow_devices, allow_setid).
func SessionHandler() Handler {
	return func(ctx context.Context, conn net.Conn, s *Session) error {
		var paths []string // the run's, once confined
		so := session.ServeOptions{
			Config: session.Config{Timeout: s.Timeout, RefuseCompress: s.RefuseCompress, UserXattrsOnly: true,
				WriteOnly: s.WriteOnly && s.Role == RoleReceiver, NoSetID: !s.AllowSetID},
			Check: func(run *wire.Run) error {
				err := confineRun(s, run)
				paths = run.Paths
				return err
			},
			// Operands are module-relative names opened through the
			// module's root, never OS paths looked up again.
			Root: s.Root,
		}
		if s.Role == RoleSender {
			so.FollowRenames = followModule(s, &paths) // watch.go: refuses with NoWatch
		}
		return session.Serve(ctx, conn, so)
	}
}

// confineRun vets and rewrites a run request for module session s.
func confineRun(s *Session, run *wire.Run) error {
	want := wire.RoleSender
	if s.Role == RoleReceiver {
		want = wire.RoleReceiver
	}
	if run.Role != want {
		return fmt.Errorf("%w: module %s was opened for the daemon to be %s", ErrModuleMode, s.Module, s.Role)
	}
	paths := run.Paths
	if len(paths) == 0 {
		paths = []string{""}
	}
	if run.Role == wire.RoleReceiver && len(paths) != 1 {
		return fmt.Errorf("receiver needs one destination, got %d", len(paths))
	}
	out := make([]string, len(paths))
	for i, p := range paths {
		var err error
		if out[i], err = confinePath(s.Root, ".", p, run.Role == wire.RoleSender); err != nil {
			return err
		}
	}
	run.Paths = out
	if run.Role == wire.RoleReceiver && !s.AllowDevices {
		run.Flags &^= wire.FlagDevices
	}
	if s.WriteOnly {
		// Refused before anything is opened: options that would delete
		// or choose by what the module holds (role/writeonly.go).
		var cfg role.Config
		cfg.FromRun(run)
		cfg.BasisKind, cfg.BasisDirs = run.BasisKind, run.BasisDirs
		if err := cfg.WriteOnlyConflict(); err != nil {
			return fmt.Errorf("module %s: %w", s.Module, err)
		}
	}
	if pd := run.PartialDir; pd != "" {
		if _, err := confinePath(s.Root, s.Path, pd, false); err != nil {
			return fmt.Errorf("partial dir: %w", err)
		}
	}
	return nil
}
