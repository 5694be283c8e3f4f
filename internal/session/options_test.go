package session

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/ferrysync/ferry/internal/role"
	"golang.org/x/sys/unix"
)

// TestInplace updates files in place: the destination keeps its inode,
// and ends with the source's content, longer or shorter than before.
func TestInplace(t *testing.T) {
	for _, role := range []string{"pull", "push"} {
		t.Run(role, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			long, short := randomBytes(300<<10), []byte("now short")
			must(t, os.WriteFile(filepath.Join(src, "grow"), long, 0o644))
			must(t, os.WriteFile(filepath.Join(src, "shrink"), short, 0o600))
			must(t, os.WriteFile(filepath.Join(dst, "grow"), long[:1000], 0o644))
			must(t, os.WriteFile(filepath.Join(dst, "shrink"), randomBytes(50<<10), 0o644))
			setTimes(t, src)
			inodes := map[string]uint64{}
			for _, n := range []string{"grow", "shrink"} {
				inodes[n] = inode(t, filepath.Join(dst, n))
			}
			cfg := archive()
			cfg.Inplace = true
			run := runner(role)
			s := run(t, cfg, 64<<10, dst, src+"/")
			st := s.pass()
			s.close()
			sameTree(t, src, dst, false)
			for n, ino := range inodes {
				if got := inode(t, filepath.Join(dst, n)); got != ino {
					t.Errorf("%s: inode %d, want %d (updated in place)", n, got, ino)
				}
			}
			if st.FilesTransferred != 2 {
				t.Errorf("stats %+v: want 2 files transferred", st)
			}
		})
	}
}

func inode(t *testing.T, p string) uint64 {
	t.Helper()
	fi, err := os.Lstat(p)
	must(t, err)
	return fi.Sys().(*syscall.Stat_t).Ino
}

// TestDevicesAndSpecials recreates a character device, a FIFO and a
// socket (as root only: mknod needs it), and leaves them out without the
// options.
func TestDevicesAndSpecials(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mknod of a device needs root")
	}
	src := t.TempDir()
	must(t, unix.Mknod(filepath.Join(src, "null"), unix.S_IFCHR|0o640, int(unix.Mkdev(1, 3))))
	must(t, unix.Mkfifo(filepath.Join(src, "fifo"), 0o600))
	must(t, unix.Mknod(filepath.Join(src, "sock"), unix.S_IFSOCK|0o644, 0))
	must(t, os.WriteFile(filepath.Join(src, "file"), []byte("x"), 0o644))
	setTimes(t, src)
	for _, c := range []struct {
		name              string
		devices, specials bool
		want              []string
	}{
		{"both", true, true, []string{"fifo", "file", "null", "sock"}},
		{"devices", true, false, []string{"file", "null"}},
		{"specials", false, true, []string{"fifo", "file", "sock"}},
		{"neither", false, false, []string{"file"}},
		// rsync: "If the receiving rsync is not being run as the
		// super-user, rsync silently skips creating the device files".
		{"devices-not-root", true, true, []string{"fifo", "file", "sock"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "devices-not-root" {
				role.IsRoot = false
				t.Cleanup(func() { role.IsRoot = true })
			}
			dst := t.TempDir()
			cfg := archive()
			cfg.Owner, cfg.Devices, cfg.Specials = true, c.devices, c.specials
			s := pull(t, cfg, 64<<10, dst, src+"/")
			s.pass()
			s.close()
			ents, err := os.ReadDir(dst)
			must(t, err)
			var got []string
			for _, e := range ents {
				got = append(got, e.Name())
			}
			if !bytes.Equal([]byte(join(got)), []byte(join(c.want))) {
				t.Fatalf("destination has %q, want %q", got, c.want)
			}
			for _, n := range got {
				a, b := lstatT(t, filepath.Join(src, n)), lstatT(t, filepath.Join(dst, n))
				if a.Mode != b.Mode || a.Rdev != b.Rdev || a.Mtim != b.Mtim {
					t.Errorf("%s: mode %o rdev %#x mtime %v, want %o %#x %v", n, b.Mode, b.Rdev, b.Mtim, a.Mode, a.Rdev, a.Mtim)
				}
			}
		})
	}
}

func join(ss []string) string {
	var b bytes.Buffer
	for _, s := range ss {
		b.WriteString(s + ",")
	}
	return b.String()
}

func lstatT(t *testing.T, p string) unix.Stat_t {
	t.Helper()
	var st unix.Stat_t
	must(t, unix.Lstat(p, &st))
	return st
}

// TestNoTotals checks that NoTotals stops the counting scan on whichever
// side sends: no EventTotals reach the client. (Whether a scan finishes
// before a tiny pass ends is timing, so totals without the option are
// left to totals_test.go.)
func TestNoTotals(t *testing.T) {
	for _, role := range []string{"pull", "push"} {
		t.Run(role, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			files := map[string]string{}
			for i := range 300 {
				files[fmt.Sprintf("d%d/f%d", i%7, i)] = "x"
			}
			writeTree(t, src, files)
			cfg := archive()
			cfg.NoTotals = true
			run := runner(role)
			s := run(t, cfg, 64<<10, dst, src+"/")
			s.pass()
			s.close()
			for _, ev := range s.events {
				if ev.Kind == EventTotals {
					t.Fatalf("totals event %+v despite NoTotals", ev)
				}
			}
		})
	}
}
