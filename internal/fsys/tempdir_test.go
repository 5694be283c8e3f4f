//go:build linux

package fsys

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// otherFS returns a directory on another filesystem than dir (under
// /dev/shm), or skips when there is none.
func otherFS(t *testing.T, dir string) string {
	t.Helper()
	var a, b unix.Stat_t
	if unix.Stat(dir, &a) != nil || unix.Stat("/dev/shm", &b) != nil || a.Dev == b.Dev {
		t.Skip("no second filesystem (/dev/shm) to test EXDEV with")
	}
	d, err := os.MkdirTemp("/dev/shm", "ferry-tempdir-")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// TestTempDir writes through a temp directory, on the same filesystem
// and on another one (EXDEV: copied beside the name, then renamed), and
// checks that the data was in the temp directory while written, that the
// result has its data and metadata, and that no temp file is left.
func TestTempDir(t *testing.T) {
	dest, r := newRoot(t)
	cases := []struct {
		name string
		tdir func() string
	}{
		{"same filesystem", func() string { return t.TempDir() }},
		{"other filesystem", func() string { return otherFS(t, dest) }},
	}
	mtime := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tdir := tc.tdir()
			td, err := Open(tdir)
			if err != nil {
				t.Fatal(err)
			}
			defer td.Close()
			r.SetTempDir(td)
			defer r.SetTempDir(nil)
			for _, name := range []string{"new", "old"} {
				if name == "old" {
					os.WriteFile(filepath.Join(dest, name), []byte("old data"), 0o644)
				}
				tmp, err := r.CreateNew(name, 0o640)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := tmp.Write([]byte("new data " + name)); err != nil {
					t.Fatal(err)
				}
				if ents, _ := os.ReadDir(tdir); len(ents) != 1 || !IsTempName(ents[0].Name()) {
					t.Fatalf("temp dir holds %v, want one temp file", ents)
				}
				ents, _ := os.ReadDir(dest)
				for _, e := range ents {
					if IsTempName(e.Name()) {
						t.Fatalf("destination holds temp file %s", e.Name())
					}
				}
				if err := tmp.Commit(Meta{Mode: 0o600, MTime: mtime.UnixNano()}, Preserve{Perms: true, Times: true}); err != nil {
					t.Fatal(err)
				}
				b, err := os.ReadFile(filepath.Join(dest, name))
				if err != nil || string(b) != "new data "+name {
					t.Fatalf("%s = %q, %v", name, b, err)
				}
				fi, _ := os.Stat(filepath.Join(dest, name))
				if fi.Mode().Perm() != 0o600 || !fi.ModTime().Equal(mtime) {
					t.Errorf("%s: mode %v mtime %v, want 0600 %v", name, fi.Mode(), fi.ModTime(), mtime)
				}
			}
			if ents, _ := os.ReadDir(tdir); len(ents) != 0 {
				t.Errorf("temp dir left %v", ents)
			}
			if ents, _ := os.ReadDir(dest); len(ents) != 2 {
				t.Errorf("destination holds %v, want new and old", ents)
			}
			os.Remove(filepath.Join(dest, "new"))
			os.Remove(filepath.Join(dest, "old"))
		})
	}
}

// TestTempDirAbortAndPartial: Abort removes the temp file from the temp
// directory; KeepPartial moves it to the partial directory, across
// filesystems too.
func TestTempDirAbortAndPartial(t *testing.T) {
	dest, r := newRoot(t)
	tdir := otherFS(t, dest)
	td, err := Open(tdir)
	if err != nil {
		t.Fatal(err)
	}
	defer td.Close()
	r.SetTempDir(td)
	a, err := r.CreateTemp("a")
	if err != nil {
		t.Fatal(err)
	}
	a.Write([]byte("x"))
	if err := a.Abort(); err != nil {
		t.Fatal(err)
	}
	k, err := r.CreateTemp("k")
	if err != nil {
		t.Fatal(err)
	}
	k.Write([]byte("kept"))
	if err := k.KeepPartial(""); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(tdir); len(ents) != 0 {
		t.Errorf("temp dir left %v", ents)
	}
	if b, err := os.ReadFile(filepath.Join(dest, DefaultPartialDir, "k")); err != nil || string(b) != "kept" {
		t.Errorf("partial = %q, %v", b, err)
	}
}
