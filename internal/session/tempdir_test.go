package session

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/transport"
	"github.com/ferrysync/ferry/internal/wire"
)

// TestTempDir checks that with TempDir every file's data is written in the
// temp directory, never beside its name, over a connection and with the
// handoff of a local copy, for a temp directory given relative to the
// destination and an absolute one; with DelayUpdates too. The result is
// the source, with nothing left in the temp directory.
func TestTempDir(t *testing.T) {
	big := string(randomBytes(1 << 20))
	for _, tc := range []struct {
		name     string
		handoff  bool
		relative bool
		delay    bool
	}{
		{name: "absolute"},
		{name: "relative", relative: true},
		{name: "handoff", handoff: true},
		{name: "delay", delay: true},
		{name: "delay handoff", delay: true, handoff: true},
	} {
		for _, role := range []string{"pull", "push"} {
			t.Run(tc.name+"/"+role, func(t *testing.T) {
				top := t.TempDir()
				src, dst, tmp := filepath.Join(top, "src"), filepath.Join(top, "dst"), filepath.Join(top, "tmp")
				writeTree(t, src, map[string]string{"a": "new a", "big": big, "d/c": "new c"})
				setTimes(t, src)
				writeTree(t, dst, map[string]string{"a": "old a", "big": "old"})
				must(t, os.Mkdir(tmp, 0o755))
				cfg := archive()
				cfg.TempDir = tmp
				if tc.relative {
					cfg.TempDir = "../tmp"
				}
				if tc.delay {
					cfg.DelayUpdates, cfg.PartialDir = true, ".~tmp~"
				}
				if tc.handoff {
					cfg.WholeFile = true
					cfg.Handoff = NewHandoff()
					defer cfg.Handoff.Close()
				}
				var mu sync.Mutex
				inTemp := 0
				testHooks.Wrote = func(_ roleConn, p string, _ int64) {
					mu.Lock()
					defer mu.Unlock()
					ents, _ := os.ReadDir(tmp)
					for _, e := range ents {
						if fsys.IsTempName(e.Name()) {
							inTemp++
							break
						}
					}
					filepath.Walk(dst, func(q string, fi os.FileInfo, _ error) error {
						if fi != nil && fsys.IsTempName(fi.Name()) {
							t.Errorf("temp file %s in the destination while writing %s", q, p)
						}
						return nil
					})
				}
				t.Cleanup(func() { testHooks.Wrote = nil })
				s := runner(role)(t, cfg, 64<<10, dst, src+"/")
				s.pass()
				s.close()
				sameTree(t, src, dst, true)
				if inTemp == 0 {
					t.Error("no temp file seen in the temp directory while writing")
				}
				if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
					t.Errorf("temp directory left with %v", ents)
				}
			})
		}
	}
}

// TestTempDirMissing: a temp directory that does not exist is ErrUsage
// (rsync's exit 1) on either side, and nothing is written.
func TestTempDirMissing(t *testing.T) {
	for _, role := range []string{"pull", "push"} {
		t.Run(role, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			writeTree(t, src, map[string]string{"a": "a"})
			cfg := archive()
			cfg.TempDir = "nosuch"
			s := runner(role)(t, cfg, 64<<10, dst, src+"/")
			_, err := s.cl.Pass(t.Context(), nil)
			s.cl.Close(t.Context())
			<-s.serr
			if !errors.Is(err, ErrUsage) {
				t.Fatalf("Pass = %v, want ErrUsage", err)
			}
			if _, err := os.Stat(filepath.Join(dst, "a")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a written: %v", err)
			}
		})
	}
}

// TestTempDirConfined runs a receiving server confined to a module
// directory (ServeOptions.Root, as a daemon does): an absolute temp
// directory names a directory from the module's top, and one reaching
// out with ".." stays inside too, so a missing one there is ErrUsage even
// though the directory exists outside.
func TestTempDirConfined(t *testing.T) {
	for _, tc := range []struct {
		name, tempDir string
		ok            bool
	}{
		{"absolute is module-relative", "/tmp", true},
		{"relative", "../tmp", true},
		{"dotdot stays inside", "../../../outside", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			top := t.TempDir()
			module, src := filepath.Join(top, "module"), filepath.Join(top, "src")
			writeTree(t, src, map[string]string{"a": "new a", "d/b": "new b"})
			setTimes(t, src)
			writeTree(t, module, map[string]string{"dst/a": "old a", "tmp/keep": ""})
			must(t, os.Mkdir(filepath.Join(top, "outside"), 0o755))
			mroot, err := os.OpenRoot(module)
			must(t, err)
			defer mroot.Close()
			var mu sync.Mutex
			seen := map[string]bool{}
			testHooks.Wrote = func(_ roleConn, _ string, _ int64) {
				mu.Lock()
				defer mu.Unlock()
				for _, d := range []string{filepath.Join(module, "tmp"), filepath.Join(top, "outside"), "/tmp"} {
					ents, _ := os.ReadDir(d)
					for _, e := range ents {
						if fsys.IsTempName(e.Name()) {
							seen[d] = true
						}
					}
				}
			}
			t.Cleanup(func() { testHooks.Wrote = nil })
			a, b := transport.Pipe(64 << 10)
			serr := make(chan error, 1)
			go func() { serr <- Serve(t.Context(), b, ServeOptions{Root: mroot}) }()
			cfg := archive()
			cfg.TempDir = tc.tempDir
			cl, err := Dial(t.Context(), a, Request{Role: wire.RoleSender, Local: []string{src + "/"}, Remote: []string{"dst"}, Config: cfg})
			must(t, err)
			_, err = cl.Pass(t.Context(), nil)
			cl.Close(t.Context())
			<-serr
			if !tc.ok {
				if !errors.Is(err, ErrUsage) {
					t.Fatalf("Pass = %v, want ErrUsage", err)
				}
				if seen[filepath.Join(top, "outside")] {
					t.Fatal("temp file written outside the module")
				}
				return
			}
			must(t, err)
			sameTree(t, src, filepath.Join(module, "dst"), false)
			if !seen[filepath.Join(module, "tmp")] || seen["/tmp"] {
				t.Errorf("temp files seen in %v, want only the module's tmp", seen)
			}
		})
	}
}

// TestTempDirStaleTemps: a killed run's temp file in the temp directory
// (-T), which no destination walk lists, is removed by the next run; a
// file of another name there is not.
func TestTempDirStaleTemps(t *testing.T) {
	top := t.TempDir()
	src, dst, tmp := filepath.Join(top, "src"), filepath.Join(top, "dst"), filepath.Join(top, "tmp")
	const stale = ".a.abcdefgh.ferry-tmp"
	writeTree(t, src, map[string]string{"a": "new a"})
	writeTree(t, dst, map[string]string{"a": "old a"})
	writeTree(t, tmp, map[string]string{stale: "half", "other": "not a temp"})
	cfg := archive()
	cfg.TempDir = tmp
	s := pull(t, cfg, 4096, dst, src+"/")
	s.pass()
	s.close()
	if _, err := os.Lstat(filepath.Join(tmp, stale)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temp file: %v, want it removed", err)
	}
	if _, err := os.Lstat(filepath.Join(tmp, "other")); err != nil {
		t.Errorf("other: %v, want it kept", err)
	}
}
