package daemon

import "fmt"

// ModuleWatch holds a module's watch key (docs/DAEMON.md §7.1).
type ModuleWatch struct {
	// Watch (default true) lets clients watch the module: ferry watch
	// to it (one long session replicating each change of the client's
	// source) or from it (the daemon watches the module's tree and
	// starts the passes). false refuses both with an error naming the
	// module; plain syncs are not affected.
	Watch *bool `toml:"watch"`
}

// WatchAllowed reports whether clients may watch the module.
func (m ModuleWatch) WatchAllowed() bool { return m.Watch == nil || *m.Watch }

// CapWatch in OPEN: the client opens the module for ferry watch, so that
// a module with watch = false refuses it before the session.
const CapWatch = "watch"

// watchRefused is the message that refuses a watch of module.
func watchRefused(module string) string {
	return fmt.Sprintf("module %q refuses watches (watch = false)", module)
}
