package session

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/testfs"
	"github.com/ferrysync/ferry/internal/transport"
	"github.com/ferrysync/ferry/internal/wire"
)

// syncer runs a client and an in-process server over a pipe.
type syncer struct {
	t      *testing.T
	cl     *Client
	serr   chan error
	mu     sync.Mutex
	events []Event
}

// pull starts a session where the client receives into dst from the
// server's srcs.
func pull(t *testing.T, cfg Config, pipeSize int, dst string, srcs ...string) *syncer {
	t.Helper()
	return start(t, cfg, pipeSize, wire.RoleReceiver, []string{dst}, srcs)
}

// push starts a session where the client sends srcs to the server's dst.
func push(t *testing.T, cfg Config, pipeSize int, dst string, srcs ...string) *syncer {
	t.Helper()
	return start(t, cfg, pipeSize, wire.RoleSender, srcs, []string{dst})
}

// runner returns push for a role naming it ("push", "push-dry-run"),
// else pull.
func runner(role string) func(t *testing.T, cfg Config, pipeSize int, dst string, srcs ...string) *syncer {
	if strings.HasPrefix(role, "push") {
		return push
	}
	return pull
}

func start(t *testing.T, cfg Config, pipeSize int, role wire.Role, local, remote []string) *syncer {
	t.Helper()
	a, b := transport.Pipe(pipeSize)
	s := &syncer{t: t, serr: make(chan error, 1)}
	go func() {
		s.serr <- Serve(context.Background(), b, ServeOptions{Config: Config{Window: cfg.Window, Credit: cfg.Credit, Handoff: cfg.Handoff}})
	}()
	cl, err := Dial(t.Context(), a, Request{Role: role, Local: local, Remote: remote, Config: cfg, OnEvent: func(ev Event) {
		s.mu.Lock()
		s.events = append(s.events, ev)
		s.mu.Unlock()
	}})
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	s.cl = cl
	return s
}

func (s *syncer) pass(paths ...string) Stats {
	s.t.Helper()
	st, err := s.cl.Pass(s.t.Context(), paths)
	if err != nil {
		s.t.Fatalf("Pass: %v", err)
	}
	return st
}

func (s *syncer) close() {
	s.t.Helper()
	if err := s.cl.Close(s.t.Context()); err != nil {
		s.t.Fatalf("Close: %v", err)
	}
	if err := <-s.serr; err != nil {
		s.t.Fatalf("server: %v", err)
	}
}

// itemized returns "itemize path" lines of the events so far, sorted as
// received, and clears them.
func (s *syncer) itemized() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, ev := range s.events {
		switch ev.Kind {
		case EventChanged, EventDeleted:
			out = append(out, ev.Itemize+" "+ev.Path)
		case EventError:
			out = append(out, "error "+ev.Path)
		}
	}
	s.events = nil
	return out
}

// sameTree compares two trees: types, contents, symlink targets, modes
// and (for non-directories, and directories when dirTimes) mtimes.
func sameTree(t *testing.T, a, b string, dirTimes bool) {
	t.Helper()
	seen := map[string]bool{}
	filepath.Walk(a, func(p string, fa os.FileInfo, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(a, p)
		seen[rel] = true
		q := filepath.Join(b, rel)
		fb, err := os.Lstat(q)
		if err != nil {
			t.Errorf("%s: missing in destination", rel)
			return nil
		}
		if fa.Mode() != fb.Mode() {
			t.Errorf("%s: mode %v, want %v", rel, fb.Mode(), fa.Mode())
		}
		if (!fa.IsDir() || dirTimes) && fa.Mode()&os.ModeSymlink == 0 && !fa.ModTime().Equal(fb.ModTime()) {
			t.Errorf("%s: mtime %v, want %v", rel, fb.ModTime(), fa.ModTime())
		}
		switch {
		case fa.Mode().IsRegular():
			ca, _ := os.ReadFile(p)
			cb, _ := os.ReadFile(q)
			if !bytes.Equal(ca, cb) {
				t.Errorf("%s: content differs (%d vs %d bytes)", rel, len(cb), len(ca))
			}
		case fa.Mode()&os.ModeSymlink != 0:
			la, _ := os.Readlink(p)
			lb, _ := os.Readlink(q)
			if la != lb {
				t.Errorf("%s: link %q, want %q", rel, lb, la)
			}
		}
		return nil
	})
	filepath.Walk(b, func(p string, _ os.FileInfo, err error) error {
		rel, _ := filepath.Rel(b, p)
		if !seen[rel] {
			t.Errorf("%s: extra in destination", rel)
		}
		return nil
	})
}

func archive() Config {
	return Config{Recursive: true, Links: true, Perms: true, Times: true, Group: true}
}

// setTimes gives every entry of root a fixed, distinct ns mtime.
func setTimes(t *testing.T, root string) {
	t.Helper()
	var paths []string
	filepath.Walk(root, func(p string, _ os.FileInfo, _ error) error { paths = append(paths, p); return nil })
	base := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := len(paths) - 1; i >= 0; i-- {
		ts := base.Add(time.Duration(i)*time.Second + time.Duration(i*1234567))
		if fi, _ := os.Lstat(paths[i]); fi.Mode()&os.ModeSymlink != 0 {
			continue
		}
		must(t, os.Chtimes(paths[i], ts, ts))
	}
}

// Test helpers shared with the other packages (internal/testfs).
var (
	writeTree   = testfs.WriteTree
	must        = testfs.Must
	randomBytes = testfs.RandomBytes
)
