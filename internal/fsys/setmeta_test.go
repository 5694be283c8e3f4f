//go:build linux

package fsys

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestSetMeta(t *testing.T) {
	mtime := time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.UTC).UnixNano()
	tests := []struct {
		name     string
		create   func(t *testing.T, path string)
		entry    string // name given to SetMeta
		m        Meta
		p        Preserve
		wantMode uint32 // 0: not checked
	}{
		{"file", func(t *testing.T, p string) { writeFile(t, p, "x") }, "e",
			Meta{Mode: 0o4711, MTime: mtime}, Preserve{Perms: true, Times: true}, 0o4711},
		{"setgid dir", func(t *testing.T, p string) { os.Mkdir(p, 0o700) }, "e",
			Meta{Mode: 0o2775, MTime: mtime}, Preserve{Perms: true, Times: true}, 0o2775},
		{"sticky dir", func(t *testing.T, p string) { os.Mkdir(p, 0o700) }, "e",
			Meta{Mode: 0o1777, MTime: mtime}, Preserve{Perms: true, Times: true}, 0o1777},
		{"read-only dir", func(t *testing.T, p string) { os.Mkdir(p, 0o700) }, "e",
			Meta{Mode: 0o500, MTime: mtime}, Preserve{Perms: true, Times: true}, 0o500},
		{"symlink", func(t *testing.T, p string) { os.Symlink("target-not-there", p) }, "e",
			Meta{Mode: 0o600, MTime: mtime, Symlink: true}, Preserve{Perms: true, Times: true}, 0},
		{"symlink not marked", func(t *testing.T, p string) { os.Symlink("target-not-there", p) }, "e",
			Meta{MTime: mtime}, Preserve{Times: true}, 0},
		{"fifo", func(t *testing.T, p string) { unix.Mkfifo(p, 0o600) }, "e",
			Meta{Mode: 0o664, MTime: mtime}, Preserve{Perms: true, Times: true}, 0o664},
		{"root itself", func(t *testing.T, p string) {}, ".",
			Meta{Mode: 0o751, MTime: mtime}, Preserve{Perms: true, Times: true}, 0o751},
		{"nothing preserved", func(t *testing.T, p string) { writeFile(t, p, "x") }, "e",
			Meta{Mode: 0o777, MTime: mtime}, Preserve{}, 0o644},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, r := newRoot(t)
			os.Chmod(dir, 0o755)
			path := filepath.Join(dir, "d", tc.entry)
			os.Mkdir(filepath.Join(dir, "d"), 0o755)
			tc.create(t, path)
			name := "d/" + tc.entry
			if tc.entry == "." {
				name, path = ".", dir
			}
			if err := r.SetMeta(name, tc.m, tc.p); err != nil {
				t.Fatal(err)
			}
			var st unix.Stat_t
			if err := unix.Lstat(path, &st); err != nil {
				t.Fatal(err)
			}
			if tc.wantMode != 0 && st.Mode&0o7777 != tc.wantMode {
				t.Errorf("mode = %#o, want %#o", st.Mode&0o7777, tc.wantMode)
			}
			if tc.p.Times && st.Mtim.Nano() != tc.m.MTime {
				t.Errorf("mtime = %d, want %d", st.Mtim.Nano(), tc.m.MTime)
			}
			if !tc.p.Times && st.Mtim.Nano() == tc.m.MTime {
				t.Error("mtime set without Preserve.Times")
			}
		})
	}
}

func TestSetMetaOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("changing the owner needs root; TestNonRoot covers the other path")
	}
	dir, r := newRoot(t)
	writeFile(t, filepath.Join(dir, "target"), "x")
	if err := os.Symlink("target", filepath.Join(dir, "l")); err != nil {
		t.Fatal(err)
	}
	if err := r.SetMeta("l", Meta{UID: 4321, GID: 8765, Symlink: true}, Preserve{Owner: true, Group: true}); err != nil {
		t.Fatal(err)
	}
	var st unix.Stat_t
	unix.Lstat(filepath.Join(dir, "l"), &st)
	if st.Uid != 4321 || st.Gid != 8765 {
		t.Errorf("link owner = %d:%d, want 4321:8765", st.Uid, st.Gid)
	}
	unix.Stat(filepath.Join(dir, "target"), &st)
	if st.Uid != 0 || st.Gid != 0 {
		t.Errorf("target owner changed through the link: %d:%d", st.Uid, st.Gid)
	}
}

// TestLchmodFallback exercises the O_PATH + /proc/self/fd path used on
// kernels without fchmodat2.
func TestLchmodFallback(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "f"), "x")
	os.Symlink("f", filepath.Join(dir, "l"))
	d, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := lchmodProc(int(d.Fd()), "f", 0o2701); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(filepath.Join(dir, "f"))
	if got := uint32(fi.Mode().Perm()); got != 0o701 || fi.Mode()&os.ModeSetgid == 0 {
		t.Errorf("mode = %v, want 02701", fi.Mode())
	}
	if err := lchmodProc(int(d.Fd()), "l", 0o777); err == nil {
		t.Error("lchmodProc on a symlink succeeded")
	}
	fi, _ = os.Stat(filepath.Join(dir, "f"))
	if got := uint32(fi.Mode().Perm()); got != 0o701 {
		t.Errorf("target mode changed through the symlink: %v", fi.Mode())
	}
}

// TestSetMetaUnchanged checks that SetMeta leaves an entry that already
// has the metadata alone (its ctime does not move), and still applies a
// change.
func TestSetMetaUnchanged(t *testing.T) {
	dir, r := newRoot(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Mkdir(filepath.Join(dir, "d"), 0o750))
	var st unix.Stat_t
	must(unix.Lstat(filepath.Join(dir, "d"), &st))
	m := Meta{Mode: 0o750, UID: st.Uid, GID: st.Gid, MTime: st.Mtim.Nano()}
	all := Preserve{Perms: true, Owner: true, Group: true, Times: true}
	time.Sleep(20 * time.Millisecond) // past the kernel's coarse clock tick
	must(r.SetMeta("d", m, all))
	var after unix.Stat_t
	must(unix.Lstat(filepath.Join(dir, "d"), &after))
	if after.Ctim != st.Ctim {
		t.Errorf("ctime moved from %v to %v: unchanged metadata was set again", st.Ctim, after.Ctim)
	}
	m.Mode, m.MTime = 0o700, m.MTime-1e9
	must(r.SetMeta("d", m, all))
	must(unix.Lstat(filepath.Join(dir, "d"), &after))
	if after.Mode&0o7777 != 0o700 || after.Mtim.Nano() != m.MTime {
		t.Errorf("change not applied: mode %o, mtime %d", after.Mode&0o7777, after.Mtim.Nano())
	}
}
