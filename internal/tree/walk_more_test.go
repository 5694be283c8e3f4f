package tree

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/zeebo/blake3"
)

func TestWalkerSymlinksNotFollowed(t *testing.T) {
	base := t.TempDir()
	buildTree(t, base, "outside/secret", "in/a/f", "in/up -> ../outside", "in/abs -> /", "in/a/self -> ..", "in/dirlink -> a")
	root := openRoot(t, filepath.Join(base, "in"))

	entries, errs := walkAll(t, root, WalkOptions{Recursive: true})
	if len(errs) > 0 {
		t.Fatalf("errors at %q", errs)
	}
	want := []string{".", "a/", "a/f", "a/self", "abs", "dirlink", "up"}
	if got := paths(entries); !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for _, e := range entries {
		if e.Path == "up" && (e.Type != TypeSymlink || e.LinkTarget != "../outside") {
			t.Errorf("up = %v %q", e.Type, e.LinkTarget)
		}
	}

	t.Run("start through escaping symlink", func(t *testing.T) {
		w := NewWalker(root, WalkOptions{Recursive: true, Start: "up"})
		defer w.Close()
		if e, err := w.Next(); err == nil {
			t.Fatalf("walked outside the root: %+v", e)
		}
	})
	t.Run("start through inner symlink, contents form", func(t *testing.T) {
		entries, _ := walkAll(t, root, WalkOptions{Recursive: true, Start: "dirlink"})
		if got, want := paths(entries), []string{".", "f", "self"}; !slices.Equal(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("invalid start", func(t *testing.T) {
		for _, start := range []string{"../in", "/a", "a/"} {
			w := NewWalker(root, WalkOptions{Start: start})
			_, err := w.Next()
			if !errors.Is(err, ErrInvalidPath) {
				t.Errorf("start %q: %v", start, err)
			}
			if _, err2 := w.Next(); !errors.Is(err2, ErrInvalidPath) {
				t.Errorf("error not sticky: %v", err2)
			}
		}
	})
}

func TestWalkerSkipDirAndClose(t *testing.T) {
	dir := t.TempDir()
	buildTree(t, dir, "a/x", "a/y/z", "b/x", "c")
	root := openRoot(t, dir)
	w := NewWalker(root, WalkOptions{Recursive: true})
	var got []string
	for {
		e, err := w.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.Path)
		if e.Path == "a/y" || e.Path == "b" {
			w.SkipDir()
		}
	}
	if want := []string{".", "a", "a/x", "a/y", "b", "c"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := w.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("after EOF: %v", err)
	}

	before := openFDs(t)
	w = NewWalker(root, WalkOptions{Recursive: true})
	for range 3 { // ".", "a", "a/x": two directories open
		if _, err := w.Next(); err != nil {
			t.Fatal(err)
		}
	}
	if n := openFDs(t); n <= before {
		t.Errorf("no directory open mid-walk (%d fds, %d before)", n, before)
	}
	w.Close()
	if n := openFDs(t); n != before {
		t.Errorf("%d fds open after Close, %d before", n, before)
	}
	if _, err := w.Next(); !errors.Is(err, ErrWalkerClosed) {
		t.Errorf("Next after Close: %v", err)
	}
}

func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

func TestWalkerErrorsDoNotAbort(t *testing.T) {
	dir := t.TempDir()
	buildTree(t, dir, "a", "b/", "b/in", "c", "d/x", "e")
	root := openRoot(t, dir)
	var reported []string
	w := NewWalker(root, WalkOptions{Recursive: true, OnError: func(path string, err error) {
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("error for %s: %v, want not-exist", path, err)
		}
		reported = append(reported, path)
	}})
	defer w.Close()
	var got []string
	for {
		e, err := w.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.Path)
		switch e.Path {
		case "a": // c vanishes between readdir and lstat
			must(t, os.Remove(filepath.Join(dir, "c")))
		case "b": // b vanishes before it is opened
			must(t, os.RemoveAll(filepath.Join(dir, "b")))
		}
	}
	if want := []string{".", "a", "b", "d", "d/x", "e"}; !slices.Equal(got, want) {
		t.Errorf("entries %q, want %q", got, want)
	}
	if want := []string{"b", "c"}; !slices.Equal(reported, want) {
		t.Errorf("reported %q, want %q", reported, want)
	}
}

func TestWalkerUnreadableDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: permissions are not enforced")
	}
	dir := t.TempDir()
	buildTree(t, dir, "a/x", "b/y", "c")
	must(t, os.Chmod(filepath.Join(dir, "b"), 0))
	t.Cleanup(func() { os.Chmod(filepath.Join(dir, "b"), 0o755) })
	entries, errs := walkAll(t, openRoot(t, dir), WalkOptions{Recursive: true})
	if got, want := paths(entries), []string{".", "a/", "a/x", "b/", "c"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if !slices.Equal(errs, []string{"b"}) {
		t.Errorf("errors at %q, want [b]", errs)
	}
}

func TestWalkerEntryFields(t *testing.T) {
	dir := t.TempDir()
	buildTree(t, dir, "f", "d/", "l -> some/where")
	must(t, syscall.Chmod(filepath.Join(dir, "f"), 0o4751))
	must(t, syscall.Chmod(filepath.Join(dir, "d"), 0o1777))
	mtime := time.Unix(1_600_000_000, 123_456_789)
	must(t, os.Chtimes(filepath.Join(dir, "f"), mtime, mtime))
	must(t, syscall.Mkfifo(filepath.Join(dir, "p"), 0o640))
	must(t, os.Link(filepath.Join(dir, "f"), filepath.Join(dir, "g")))

	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	for _, numeric := range []bool{false, true} {
		t.Run("numeric="+strconv.FormatBool(numeric), func(t *testing.T) {
			entries, errs := walkAll(t, openRoot(t, dir), WalkOptions{Recursive: true, Checksum: true, NumericIDs: numeric})
			if len(errs) > 0 {
				t.Fatalf("errors at %q", errs)
			}
			byPath := map[string]*Entry{}
			for _, e := range entries {
				byPath[e.Path] = e
			}
			f := byPath["f"]
			sum := blake3.Sum256([]byte("f"))
			switch {
			case f.Type != TypeFile, f.Mode != 0o4751, f.Size != 1, f.MTime != mtime.UnixNano(), f.Nlink != 2:
				t.Errorf("f = %+v", f)
			case !slices.Equal(f.Checksum, sum[:]):
				t.Errorf("f checksum %x, want %x", f.Checksum, sum)
			case f.FileMode() != fs.ModeSetuid|0o751:
				t.Errorf("f FileMode %v", f.FileMode())
			}
			if g := byPath["g"]; g.Ino != f.Ino || g.Dev != f.Dev {
				t.Errorf("hard link g has ino %d dev %d, f %d %d", g.Ino, g.Dev, f.Ino, f.Dev)
			}
			if d := byPath["d"]; d.Type != TypeDir || d.Mode != 0o1777 || d.Checksum != nil || d.Size != 0 {
				t.Errorf("d = %+v", d)
			}
			if l := byPath["l"]; l.Type != TypeSymlink || l.LinkTarget != "some/where" {
				t.Errorf("l = %+v", l)
			}
			if p := byPath["p"]; p.Type != TypeFIFO || p.Mode != 0o640 {
				t.Errorf("p = %+v", p)
			}
			if strconv.Itoa(int(f.UID)) != me.Uid || strconv.Itoa(int(f.GID)) != me.Gid {
				t.Errorf("uid/gid %d/%d, want %s/%s", f.UID, f.GID, me.Uid, me.Gid)
			}
			wantUser := me.Username
			if numeric {
				wantUser = ""
			}
			if f.User != wantUser || (numeric && f.Group != "") || (!numeric && f.Group == "") {
				t.Errorf("user %q group %q, want user %q", f.User, f.Group, wantUser)
			}
		})
	}
	t.Run("start file checksum", func(t *testing.T) {
		sum := blake3.Sum256([]byte("f"))
		for _, opts := range []WalkOptions{{Start: "f", Checksum: true}, {Start: "f", Prefix: "f", Checksum: true}} {
			entries, errs := walkAll(t, openRoot(t, dir), opts)
			if len(entries) != 1 || len(errs) > 0 || !slices.Equal(entries[0].Checksum, sum[:]) {
				t.Errorf("%+v: entries %+v errors %q", opts, entries, errs)
			}
		}
	})
}

func TestWalkerOneFileSystem(t *testing.T) {
	// /dev/pts is its own file system in nearly every Linux setup.
	var dev, pts syscall.Stat_t
	if syscall.Lstat("/dev", &dev) != nil || syscall.Lstat("/dev/pts", &pts) != nil || dev.Dev == pts.Dev {
		t.Skip("no /dev/pts mount point to test with")
	}
	if _, err := os.Lstat("/dev/pts/ptmx"); err != nil {
		t.Skip("no /dev/pts/ptmx")
	}
	root := openRoot(t, "/")
	pf, err := ParseFilter([]string{"+ /dev/", "+ /dev/pts/***", "- *"})
	must(t, err)
	for _, x := range []bool{false, true} {
		entries, _ := walkAll(t, root, WalkOptions{Recursive: true, Start: "dev", Prefix: "dev", OneFileSystem: x, Filter: pf})
		got := paths(entries)
		if !slices.Contains(got, "dev/pts/") {
			t.Errorf("x=%v: mount point missing from %q", x, got)
		}
		if slices.Contains(got, "dev/pts/ptmx") == x {
			t.Errorf("x=%v: got %q", x, got)
		}
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
