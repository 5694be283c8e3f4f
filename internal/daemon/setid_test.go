//go:build linux

package daemon

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/ferrysync/ferry/internal/session"
	"github.com/ferrysync/ferry/internal/wire"
)

// pushTo pushes local into module with -rpogD (--perms --owner --group
// --devices), as a client asking for set-id files and device nodes does.
func pushTo(t *testing.T, addr, module, local string) error {
	t.Helper()
	ctx := t.Context()
	c, err := Dial(ctx, addr, DialOptions{})
	if err != nil {
		return err
	}
	conn, _, err := c.Open(ctx, OpenOptions{Module: module, Role: RoleReceiver})
	if err != nil {
		return err
	}
	cl, err := session.Dial(ctx, conn, session.Request{Role: wire.RoleSender, Local: []string{local + "/"}, Remote: []string{""},
		Config: session.Config{Recursive: true, Perms: true, Owner: true, Group: true, Devices: true, Times: true}})
	if err != nil {
		return err
	}
	if _, err := cl.Pass(ctx, nil); err != nil {
		cl.Close(context.Background())
		return err
	}
	if err := cl.Close(ctx); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// TestSetIDAndDevices pushes a setuid file, a setgid directory and a
// character device into modules of a root daemon: by default the set-id
// bits are cleared and no device node is made; allow_setid and
// allow_devices let them through.
func TestSetIDAndDevices(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: set-id files owned by root and device nodes are what a root daemon must refuse")
	}
	local := t.TempDir()
	writeFile(t, filepath.Join(local, "suid.bin"), "#!/bin/sh\n", 0o755)
	if err := os.Chmod(filepath.Join(local, "suid.bin"), 0o755|os.ModeSetuid|os.ModeSetgid); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(local, "sgid"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(local, "sgid"), 0o755|os.ModeDir|os.ModeSetgid); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mknod(filepath.Join(local, "null"), unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(local, "null"), 0o666); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ts := startServer(t, dir, `
[module.strict]
path = "%DIR%/strict"
read_only = false
uid = 0
[module.setid]
path = "%DIR%/setid"
read_only = false
uid = 0
allow_setid = true
[module.devs]
path = "%DIR%/devs"
read_only = false
uid = 0
allow_devices = true
`, SessionHandler())
	for _, m := range []string{"strict", "setid", "devs"} {
		if err := os.Mkdir(filepath.Join(dir, m), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := pushTo(t, ts.addr, m, local); err != nil {
			t.Fatalf("push to %s: %v\n%s", m, err, ts.log.String())
		}
	}
	tests := []struct {
		module, name string
		want         os.FileMode // permission and set-id bits; 0: must not exist
		device       bool
	}{
		{"strict", "suid.bin", 0o755, false},
		{"strict", "sgid", 0o755, false},
		{"strict", "null", 0, true},
		{"setid", "suid.bin", 0o755 | os.ModeSetuid | os.ModeSetgid, false},
		{"setid", "sgid", 0o755 | os.ModeSetgid, false},
		{"setid", "null", 0, true},
		{"devs", "suid.bin", 0o755, false},
		{"devs", "null", 0o666, true},
	}
	for _, tc := range tests {
		t.Run(tc.module+"/"+tc.name, func(t *testing.T) {
			fi, err := os.Lstat(filepath.Join(dir, tc.module, tc.name))
			if tc.want == 0 {
				if err == nil {
					t.Fatalf("exists (%s), want not created", fi.Mode())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode() & (os.ModePerm | os.ModeSetuid | os.ModeSetgid); got != tc.want {
				t.Errorf("mode %s, want %s", got, tc.want)
			}
			if tc.device != (fi.Mode()&os.ModeCharDevice != 0) {
				t.Errorf("mode %s: device %v, want %v", fi.Mode(), !tc.device, tc.device)
			}
		})
	}
}

// TestRootWritableAsNobody: a root daemon serves a writable module
// without uid as nobody, and one with uid = 0 as root; read-only modules
// and a non-root daemon are left as configured.
func TestRootWritableAsNobody(t *testing.T) {
	cfg, err := ParseConfig([]byte(`
[module.rw]
path = "/tmp"
read_only = false
[module.wo]
path = "/tmp"
write_only = true
gid = 0
[module.asroot]
path = "/tmp"
read_only = false
uid = 0
[module.ro]
path = "/tmp"
`), "")
	if err != nil {
		t.Fatal(err)
	}
	root := os.Geteuid() == 0
	tests := []struct {
		module   string
		uid, gid int
		child    bool
	}{
		{"rw", nobodyID, nobodyID, true},
		{"wo", nobodyID, 0, true},
		{"asroot", 0, -1, false},
		{"ro", -1, -1, false},
	}
	for _, tc := range tests {
		m := cfg.Modules[tc.module]
		if !root {
			if m.uid > 0 && !m.UID.Set {
				t.Errorf("%s: uid %d set by a non-root daemon", tc.module, m.uid)
			}
			continue
		}
		if m.uid != tc.uid || m.gid != tc.gid {
			t.Errorf("%s: uid %d gid %d, want %d %d", tc.module, m.uid, m.gid, tc.uid, tc.gid)
		}
		srv := &Server{cfg: cfg}
		if got := srv.dropsPrivileges(m); got != tc.child {
			t.Errorf("%s: served in a child %v, want %v", tc.module, got, tc.child)
		}
	}
}
