package daemon

import (
	"errors"
	"strings"
	"testing"
)

// TestModuleWatch: watch defaults to true; watch = false refuses an OPEN
// that says it is for a watch (CapWatch), with an error naming the module
// (ErrModuleMode at the client), in both roles, and nothing else; the
// key takes a boolean only.
func TestModuleWatch(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir, "[module.on]\npath = \"%DIR%\"\nread_only = false\nuid = 0\n[module.off]\npath = \"%DIR%\"\nread_only = false\nuid = 0\nwatch = false\n", nil)
	if !ts.cfg.Modules["on"].WatchAllowed() || ts.cfg.Modules["off"].WatchAllowed() {
		t.Fatal("watch: want on allowed (the default), off refused")
	}
	for _, tt := range []struct {
		module string
		role   Role
		watch  bool
		refuse bool
	}{
		{"on", RoleReceiver, true, false},
		{"on", RoleSender, true, false},
		{"off", RoleReceiver, false, false},
		{"off", RoleSender, false, false},
		{"off", RoleReceiver, true, true},
		{"off", RoleSender, true, true},
	} {
		got, err := command(t, ts.addr, OpenOptions{Module: tt.module, Role: tt.role, Watch: tt.watch}, "whoami")
		switch {
		case tt.refuse && (!errors.Is(err, ErrModuleMode) || !strings.Contains(err.Error(), `module "off" refuses watches (watch = false)`)):
			t.Errorf("%s %s watch=%v: %q, %v; want refused, naming the module", tt.module, tt.role, tt.watch, got, err)
		case !tt.refuse && err != nil:
			t.Errorf("%s %s watch=%v: %v", tt.module, tt.role, tt.watch, err)
		case !tt.refuse && strings.Contains(got, "nowatch=true") != (tt.module == "off"):
			t.Errorf("%s %s: session %q, want nowatch=%v", tt.module, tt.role, got, tt.module == "off")
		}
	}
	if _, err := ParseConfig([]byte("[module.m]\npath = \"/tmp\"\nwatch = \"no\"\n"), ""); err == nil {
		t.Error("watch = \"no\" accepted, want an error")
	}
}
