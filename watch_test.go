package ferry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/watch"
)

// treeDiff is the first difference between the trees a and b (names,
// types, modes, file contents, symlink targets, file mtimes), or "".
func treeDiff(a, b string) string {
	seen := map[string]bool{}
	diff := ""
	filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			diff = err.Error()
			return filepath.SkipAll
		}
		rel, _ := filepath.Rel(a, p)
		seen[rel] = true
		fa, err1 := os.Lstat(p)
		fb, err2 := os.Lstat(filepath.Join(b, rel))
		switch {
		case err1 != nil || err2 != nil:
			diff = fmt.Sprintf("%s: %v %v", rel, err1, err2)
		case fa.Mode() != fb.Mode():
			diff = fmt.Sprintf("%s: mode %v, want %v", rel, fb.Mode(), fa.Mode())
		case fa.Mode().IsRegular() && !fa.ModTime().Equal(fb.ModTime()):
			diff = fmt.Sprintf("%s: mtime %v, want %v", rel, fb.ModTime(), fa.ModTime())
		case fa.Mode().IsRegular():
			ca, _ := os.ReadFile(p)
			cb, _ := os.ReadFile(filepath.Join(b, rel))
			if !bytes.Equal(ca, cb) {
				diff = fmt.Sprintf("%s: content %.20q, want %.20q", rel, cb, ca)
			}
		case fa.Mode()&os.ModeSymlink != 0:
			la, _ := os.Readlink(p)
			lb, _ := os.Readlink(filepath.Join(b, rel))
			if la != lb {
				diff = fmt.Sprintf("%s: link %q, want %q", rel, lb, la)
			}
		}
		if diff != "" {
			return filepath.SkipAll
		}
		return nil
	})
	if diff != "" {
		return diff
	}
	filepath.WalkDir(b, func(p string, _ fs.DirEntry, _ error) error {
		if rel, _ := filepath.Rel(b, p); !seen[rel] {
			diff = rel + ": extra in the replica"
			return filepath.SkipAll
		}
		return nil
	})
	return diff
}

// watching runs Watch in the background. Its batches are signalled on
// the returned channel; stop ends the watch and returns its result.
func watching(t *testing.T, src, dst string, o Options, wo WatchOptions) (batches <-chan WatchBatch, stop func() (Stats, error)) {
	t.Helper()
	ch := make(chan WatchBatch, 1)
	wo.OnBatch = func(b WatchBatch) {
		select {
		case ch <- b:
		default: // a signal is pending already
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	type result struct {
		st  Stats
		err error
	}
	done := make(chan result, 1)
	go func() {
		st, err := Watch(ctx, src, dst, o, wo)
		done <- result{st, err}
	}()
	var once sync.Once
	var r result
	stop = func() (Stats, error) {
		once.Do(func() {
			cancel()
			r = <-done
		})
		return r.st, r.err
	}
	t.Cleanup(func() { stop() })
	select {
	case b := <-ch: // the initial pass
		if b.Err != nil {
			t.Fatal(b.Err)
		}
	case r := <-done:
		t.Fatalf("watch ended before the first pass: %v", r.err)
	}
	return ch, stop
}

// converge waits until the replica equals the source, a batch at a time.
func converge(t *testing.T, what, src, dst string, batches <-chan WatchBatch) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		d := treeDiff(src, dst)
		if d == "" {
			return
		}
		select {
		case <-batches:
		case <-deadline:
			t.Fatalf("%s: the replica did not converge: %s", what, d)
		}
	}
}

// TestWatch replicates each kind of change through Watch: to a local
// destination with inotify and with polling, and to a daemon module.
func TestWatch(t *testing.T) {
	for _, tt := range []struct {
		name    string
		watcher string
		daemon  bool
		ssh     bool // a remote source, over a remote shell (this test binary)
		// srcMod: a daemon module as the source, ferry://HOST:PORT/src/
		// ("url") or HOST::src/ with Options.Port ("module"): the daemon
		// watches it
		srcMod string
	}{
		{"local", "inotify", false, false, ""},
		{"local-poll", "poll", false, false, ""},
		{"local-fanotify", "fanotify", false, false, ""},
		{"daemon", "auto", true, false, ""},
		{"remote-source", "auto", false, true, ""},
		{"daemon-source", "auto", false, false, "url"},
		{"daemon-source-module-syntax", "auto", false, false, "module"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.watcher == "fanotify" {
				needFanotify(t)
			}
			src, dst := t.TempDir(), t.TempDir()
			from, to := src+"/", dst
			o := DefaultOptions()
			if tt.daemon {
				to = "ferry://" + startTestDaemon(t, src, dst, 0) + "/m/"
			}
			if tt.ssh {
				t.Setenv("FERRY_TEST_RSH", "1")
				exe, err := os.Executable()
				check(t, err)
				o.RemoteShell = exe
				from = "fakehost:" + src + "/"
			}
			switch addr := ""; tt.srcMod {
			case "url":
				addr = startTestDaemon(t, src, t.TempDir(), 0)
				from = "ferry://" + addr + "/src/"
			case "module":
				addr = startTestDaemon(t, src, t.TempDir(), 0)
				_, port, err := net.SplitHostPort(addr)
				check(t, err)
				o.Port, err = strconv.Atoi(port)
				check(t, err)
				from = "127.0.0.1::src/"
			}
			testWatch(t, src, dst, from, to, o, WatchOptions{Watcher: tt.watcher, PollInterval: 20 * time.Millisecond}, !tt.ssh && tt.srcMod == "")
		})
	}
}

// testWatch makes changes in src (reached as from), each replicated to
// dst (reached as to) before the next; with overflow, a forced queue
// overflow too.
func testWatch(t *testing.T, src, dst, from, to string, o Options, wo WatchOptions, overflow bool) {
	write(t, src, map[string]string{"keep": "k", "dir/a": "a", "dir/sub/b": "b"})
	o.Delete = true
	hook := make(chan struct{})
	wo.overflow = hook
	batches, stop := watching(t, from, to, o, wo)
	converge(t, "initial pass", src, dst, batches)
	p := func(rel string) string { return filepath.Join(src, rel) }
	steps := []struct {
		name string
		do   func() error
	}{
		{"create", func() error { return os.WriteFile(p("new"), []byte("fresh"), 0o644) }},
		{"write", func() error { return os.WriteFile(p("new"), []byte("rewritten"), 0o644) }},
		{"append", func() error {
			f, err := os.OpenFile(p("keep"), os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			f.WriteString(" and more")
			return f.Close()
		}},
		{"truncate", func() error { return os.Truncate(p("keep"), 2) }},
		{"touch (the time only)", func() error {
			t := time.Date(2020, 2, 2, 2, 2, 2, 0, time.UTC)
			return os.Chtimes(p("keep"), t, t)
		}},
		{"chmod", func() error { return os.Chmod(p("keep"), 0o600) }},
		{"symlink", func() error { return os.Symlink("keep", p("link")) }},
		{"delete", func() error { return os.Remove(p("link")) }},
		{"rename a file", func() error { return os.Rename(p("new"), p("renamed")) }},
		{"rename a directory", func() error { return os.Rename(p("dir"), p("moved")) }},
		{"a new tree", func() error {
			if err := os.MkdirAll(p("t/u/v"), 0o755); err != nil {
				return err
			}
			return os.WriteFile(p("t/u/v/w"), []byte("deep"), 0o644)
		}},
		{"delete a tree", func() error { return os.RemoveAll(p("moved")) }},
		{"1000 rewrites of one file", func() error {
			for i := range 1000 {
				if err := os.WriteFile(p("hot"), fmt.Appendf(nil, "version %d", i), 0o644); err != nil {
					return err
				}
			}
			return nil
		}},
		{"an overflow compares the whole tree", func() error {
			// A change made behind the watcher's back, in the replica:
			// only a full pass finds it.
			if err := os.WriteFile(filepath.Join(dst, "stray"), nil, 0o644); err != nil {
				return err
			}
			hook <- struct{}{}
			return nil
		}},
	}
	if !overflow {
		steps = steps[:len(steps)-1]
	}
	for _, s := range steps {
		check(t, s.do())
		converge(t, s.name, src, dst, batches)
	}
	if got := read(t, filepath.Join(dst, "hot")); got != "version 999" {
		t.Errorf("hot = %q, want the last version", got)
	}
	st, err := stop()
	if err != nil || st.FilesTransferred < 8 { // renames move nothing
		t.Errorf("Watch = %+v, %v; want nil error and the files counted", st, err)
	}
}

func TestWatchErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name, src string
		wo        WatchOptions
		want      error
	}{
		{"missing source", filepath.Join(dir, "nope") + "/", WatchOptions{}, ErrBadOperand},
		{"unknown watcher", dir + "/", WatchOptions{Watcher: "kqueue"}, ErrBadOption},
		{"DEST inside SRC", dir + "/", WatchOptions{}, ErrBadOperand},
		{"DEST is SRC", dir, WatchOptions{}, ErrBadOperand},
		{"DEST inside SRC through a symlink", filepath.Join(dir, "link") + "/", WatchOptions{}, ErrBadOperand},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dst := t.TempDir()
			switch tt.name {
			case "DEST inside SRC":
				dst = filepath.Join(dir, "replica", "new")
			case "DEST is SRC":
				dst = dir + "/"
			case "DEST inside SRC through a symlink":
				check(t, os.Symlink(dir, filepath.Join(dir, "link")))
				dst = filepath.Join(dir, "sub")
			}
			_, err := Watch(t.Context(), tt.src, dst, DefaultOptions(), tt.wo)
			if !errors.Is(err, tt.want) {
				t.Errorf("Watch = %v, want %v", err, tt.want)
			}
			if strings.HasPrefix(tt.name, "DEST") && !strings.Contains(fmt.Sprint(err), "is inside SRC") {
				t.Errorf("Watch = %v, want it to say DEST is inside SRC", err)
			}
		})
	}
}

// TestWatchEvents: with Events, the paths another program writes drive
// the passes (a change it does not name is not replicated), and the end
// of Events ends the watch.
func TestWatchEvents(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	write(t, src, map[string]string{"a": "a"})
	pr, pw := io.Pipe()
	batches := make(chan WatchBatch, 10)
	type result struct {
		st  Stats
		err error
	}
	done := make(chan result, 1)
	go func() {
		st, err := Watch(t.Context(), src+"/", dst, DefaultOptions(), WatchOptions{Events: pr, OnBatch: func(b WatchBatch) { batches <- b }})
		done <- result{st, err}
	}()
	<-batches // the initial pass
	write(t, src, map[string]string{"named": "n", "unnamed": "u"})
	fmt.Fprint(pw, "./named\x00")
	if b := <-batches; b.Err != nil || !slices.Equal(b.Paths, []string{"named"}) {
		t.Errorf("batch %+v, want [named]", b)
	}
	if read(t, filepath.Join(dst, "named")) != "n" {
		t.Error("named not replicated")
	}
	if _, err := os.Lstat(filepath.Join(dst, "unnamed")); err == nil {
		t.Error("a path no event named was replicated: the watcher is not the events")
	}
	pw.Close()
	if r := <-done; r.err != nil || r.st.FilesTransferred != 2 {
		t.Errorf("Watch = %+v, %v; want 2 files and no error", r.st, r.err)
	}
}

// needFanotify skips the test where the fanotify watcher is not
// available (it needs CAP_SYS_ADMIN and Linux 5.17).
func needFanotify(t *testing.T) {
	t.Helper()
	w, err := watch.New(t.Context(), t.TempDir(), watch.Options{Backend: watch.Fanotify})
	if err != nil {
		t.Skipf("fanotify unavailable: %v", err)
	}
	w.Close()
}
