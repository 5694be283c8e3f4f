package watch

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitFor reads changes from w until one satisfies ok; it fails the test
// if none comes within a generous bound (the kernel is not on a clock).
func waitFor(t *testing.T, w Watcher, what string, ok func(Change) bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case c, open := <-w.Changes():
			if !open {
				t.Fatalf("watcher stopped before %s", what)
			}
			if ok(c) {
				return
			}
		case <-deadline:
			t.Fatalf("no change: %s", what)
		}
	}
}

// covers matches a change of p or of a directory holding it.
func covers(p string) func(Change) bool {
	return func(c Change) bool { return c.Rescan || c.Path == p || strings.HasPrefix(p, c.Path+"/") }
}

func newTestInotify(t *testing.T, root string, opts Options) Watcher {
	t.Helper()
	opts.Backend = Inotify
	w, err := New(t.Context(), root, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestChanges: each kind of change is reported with its path relative
// to the root, by each Linux backend.
func TestChanges(t *testing.T) {
	t.Run("inotify", func(t *testing.T) { testChanges(t, Inotify) })
	t.Run("fanotify", func(t *testing.T) { testChanges(t, Fanotify) })
}

func testChanges(t *testing.T, backend string) {
	root := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(root, "d/e"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "d/e/old"), []byte("x"), 0o644))
	w, err := New(t.Context(), root, Options{Backend: backend})
	if backend == Fanotify && errors.Is(err, ErrBackend) {
		t.Skipf("fanotify unavailable here (needs CAP_SYS_ADMIN): %v", err)
	}
	must(t, err)
	t.Cleanup(func() { w.Close() })
	steps := []struct {
		name string
		do   func() error
		want string
		from string // the change is a rename from this
	}{
		{"create", func() error { return os.WriteFile(filepath.Join(root, "f"), []byte("1"), 0o644) }, "f", ""},
		{"write deep", func() error { return os.WriteFile(filepath.Join(root, "d/e/old"), []byte("2"), 0o644) }, "d/e/old", ""},
		{"chmod", func() error { return os.Chmod(filepath.Join(root, "f"), 0o600) }, "f", ""},
		{"symlink", func() error { return os.Symlink("f", filepath.Join(root, "l")) }, "l", ""},
		{"delete", func() error { return os.Remove(filepath.Join(root, "l")) }, "l", ""},
		{"rename a directory", func() error { return os.Rename(filepath.Join(root, "d"), filepath.Join(root, "D")) }, "D", "d"},
		{"renamed directory is watched", func() error { return os.WriteFile(filepath.Join(root, "D/e/new"), nil, 0o644) }, "D/e/new", ""},
		{"rename a file", func() error { return os.Rename(filepath.Join(root, "D/e/new"), filepath.Join(root, "D/newer")) }, "D/newer", "D/e/new"},
		{"new tree, watched before it is read", func() error {
			if err := os.MkdirAll(filepath.Join(root, "n/a/b"), 0o755); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(root, "n/a/b/in"), nil, 0o644)
		}, "n", ""},
		{"inside the new tree", func() error { return os.WriteFile(filepath.Join(root, "n/a/b/later"), nil, 0o644) }, "n/a/b/later", ""},
		{"moved in", func() error {
			out := filepath.Join(t.TempDir(), "in")
			if err := os.WriteFile(out, nil, 0o644); err != nil {
				return err
			}
			return os.Rename(out, filepath.Join(root, "in"))
		}, "in", ""},
		{"moved out, no more events", func() error {
			if err := os.Rename(filepath.Join(root, "D"), filepath.Join(t.TempDir(), "away")); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(root, "after"), nil, 0o644)
		}, "after", ""},
	}
	for _, s := range steps {
		must(t, s.do())
		if s.from != "" {
			waitFor(t, w, s.name+": "+s.from+" -> "+s.want, func(c Change) bool { return c.Path == s.want && c.From == s.from })
			continue
		}
		waitFor(t, w, s.name+": "+s.want, covers(s.want))
	}
}

// TestOverflow: a queue overflow is reported as a rescan of the whole
// tree (inotify also watches the directories made meanwhile), by each
// Linux backend.
func TestOverflow(t *testing.T) {
	for _, backend := range []string{Inotify, Fanotify} {
		t.Run(backend, func(t *testing.T) {
			hook := make(chan struct{})
			w, err := New(t.Context(), t.TempDir(), WithOverflowHook(Options{Backend: backend}, hook))
			if backend == Fanotify && errors.Is(err, ErrBackend) {
				t.Skipf("fanotify unavailable here (needs CAP_SYS_ADMIN): %v", err)
			}
			must(t, err)
			defer w.Close()
			hook <- struct{}{}
			waitFor(t, w, "rescan", func(c Change) bool { return c.Rescan && c.Path == "" })
		})
	}
}

// TestInotifyWatchLimit: past the watch limit, a clear warning names the
// sysctl, and the unwatched directories are polled.
func TestInotifyWatchLimit(t *testing.T) {
	root := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(root, "a/b"), 0o755))
	var mu sync.Mutex
	var warnings []error
	opts := Options{PollInterval: time.Millisecond, testMaxWatches: 1,
		OnWarning: func(err error) { mu.Lock(); warnings = append(warnings, err); mu.Unlock() }}
	w := newTestInotify(t, root, opts)
	mu.Lock()
	if len(warnings) != 1 || !errors.Is(warnings[0], ErrWatchLimit) ||
		!strings.Contains(warnings[0].Error(), "fs.inotify.max_user_watches") || !strings.Contains(warnings[0].Error(), "/a") {
		t.Errorf("warnings %v, want one naming the sysctl and the directory", warnings)
	}
	mu.Unlock()
	must(t, os.WriteFile(filepath.Join(root, "a/b/f"), nil, 0o644))
	waitFor(t, w, "the polled directory", covers("a"))
	must(t, os.WriteFile(filepath.Join(root, "top"), nil, 0o644))
	waitFor(t, w, "the watched root", covers("top"))
}

// TestPoll: the poll backend reports what changed between its scans,
// a rename as a rename.
func TestPoll(t *testing.T) {
	root := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(root, "d"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "d/f"), []byte("x"), 0o644))
	w, err := New(t.Context(), root, Options{Backend: Poll, PollInterval: time.Millisecond})
	must(t, err)
	defer w.Close()
	must(t, os.WriteFile(filepath.Join(root, "new"), nil, 0o644))
	waitFor(t, w, "new", func(c Change) bool { return c.Path == "new" && c.Created })
	must(t, os.Rename(filepath.Join(root, "d"), filepath.Join(root, "e")))
	waitFor(t, w, "rename d -> e", func(c Change) bool { return c.Path == "e" && c.From == "d" && c.Dir })
}

func TestNewErrors(t *testing.T) {
	root := t.TempDir()
	must(t, os.WriteFile(filepath.Join(root, "file"), nil, 0o644))
	for _, tt := range []struct{ root, backend, want string }{
		{filepath.Join(root, "file"), "", "not a directory"},
		{filepath.Join(root, "missing"), "", "no such file"},
		{root, "kqueue", "want auto, inotify, fanotify or poll"},
	} {
		if _, err := New(t.Context(), tt.root, Options{Backend: tt.backend}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%s, %q) = %v, want %q", tt.root, tt.backend, err, tt.want)
		}
	}
}
