package tree

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// countingDirs is a DirSource that counts the directories its source had
// results for.
type countingDirs struct {
	DirSource
	mu     sync.Mutex
	served int
}

func (c *countingDirs) ReadDir(k DirKey, fd int) ([]string, []unix.Stat_t, bool) {
	names, stats, ok := c.DirSource.ReadDir(k, fd)
	if ok {
		c.mu.Lock()
		c.served++
		c.mu.Unlock()
	}
	return names, stats, ok
}

// prefetchTree builds 20 directories with a subdirectory each, a file in
// every one, and symlinks that would loop if followed.
func prefetchTree(t *testing.T) string {
	dir := t.TempDir()
	spec := []string{"f", "loop -> .", "up -> .."}
	for i := range 20 {
		spec = append(spec, fmt.Sprintf("d%02d/e%d/f", i, i%3), fmt.Sprintf("d%02d/g", i))
	}
	buildTree(t, dir, spec...)
	return dir
}

// TestPrefetchReadsWholeTree checks that a Prefetcher with no walk reads
// every directory once, never follows a symlink (a loop would never end),
// and ends by itself; and that it stops when asked.
func TestPrefetchReadsWholeTree(t *testing.T) {
	root := openRoot(t, prefetchTree(t))
	for _, c := range []struct {
		name      string
		recursive bool
		want      int
	}{{"recursive", true, 1 + 20 + 20}, {"top only", false, 1}} {
		t.Run(c.name, func(t *testing.T) {
			p := newPrefetcher(t.Context(), root, ".", c.recursive, 0, prefetchHold)
			defer p.Stop()
			<-p.done // ends by itself
			if p.reads != c.want {
				t.Errorf("read %d directories, want %d", p.reads, c.want)
			}
		})
	}
	t.Run("stop", func(t *testing.T) {
		for _, start := range []string{"d00", "f", "loop", filepath.Join("missing", "dir")} {
			StartPrefetch(t.Context(), root, start, true).Stop()
		}
	})
}

// TestPrefetchWalk checks that a walk given a Prefetcher returns the same
// entries as one without, takes every directory from it (so reads and
// stats each once), and leaves nothing held; also when the bound on held
// entries is far below the tree's size, so that the workers wait for the
// walk and the walk reads directories no worker has started, and when the
// root (23 entries) is too large to hold, so that it is only warmed.
func TestPrefetchWalk(t *testing.T) {
	dir := prefetchTree(t)
	root := openRoot(t, dir)
	want, _ := walkAll(t, root, WalkOptions{Recursive: true})
	for _, c := range []struct{ hold, served int }{{prefetchHold, 41}, {46, 41}, {4, 40}} {
		t.Run(fmt.Sprint("hold ", c.hold), func(t *testing.T) {
			p := newPrefetcher(t.Context(), root, ".", true, 0, c.hold)
			defer p.Stop()
			src := &countingDirs{DirSource: p}
			got, errs := walkAll(t, root, WalkOptions{Recursive: true, Dirs: src})
			<-p.done
			if len(errs) > 0 {
				t.Errorf("errors: %q", errs)
			}
			sameEntries(t, got, want)
			if src.served != c.served {
				t.Errorf("the walk took %d directories from the prefetcher, want %d", src.served, c.served)
			}
			if p.reads != 41 || p.held != 0 || len(p.byKey) != 0 {
				t.Errorf("read %d directories (want 41); %d entries and %d directories left", p.reads, p.held, len(p.byKey))
			}
		})
	}
}

// sameEntries compares two walks' paths, types and sizes.
func sameEntries(t *testing.T, got, want []*Entry) {
	t.Helper()
	desc := func(es []*Entry) []string {
		var out []string
		for _, e := range es {
			out = append(out, fmt.Sprintf("%s %v %d %q", e.Path, e.Type, e.Size, e.LinkTarget))
		}
		return out
	}
	if g, w := desc(got), desc(want); !slices.Equal(g, w) {
		t.Errorf("walk with prefetcher:\n%q\nwant:\n%q", g, w)
	}
}

// TestPrefetchSkipped checks that what the walk does not read (an excluded
// directory, SkipDir, a walk closed early) is dropped from the prefetcher,
// whether it was read ahead already or not: nothing stays held.
func TestPrefetchSkipped(t *testing.T) {
	dir := prefetchTree(t)
	root := openRoot(t, dir)
	for _, c := range []struct {
		name   string
		filter []string
		walk   func(w *Walker)
	}{
		{"excluded", []string{"- d0*/"}, nil},
		{"SkipDir", nil, func(w *Walker) {
			for {
				e, err := w.Next()
				if err != nil {
					return
				}
				if e.Type == TypeDir && e.Path != "." {
					w.SkipDir()
				}
			}
		}},
		{"closed early", nil, func(w *Walker) {
			for range 5 {
				w.Next()
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newPrefetcher(t.Context(), root, ".", true, 0, prefetchHold)
			defer p.Stop()
			<-p.done // everything read ahead before the walk starts
			opts := WalkOptions{Recursive: true, Dirs: p}
			if c.filter != nil {
				f, err := ParseFilter(c.filter)
				must(t, err)
				opts.Filter = f
			}
			if c.walk == nil {
				walkAll(t, root, opts)
			} else {
				w := NewWalker(root, opts)
				c.walk(w)
				w.Close()
			}
			if p.held != 0 || len(p.byKey) != 0 {
				t.Errorf("%d entries of %d directories left held", p.held, len(p.byKey))
			}
		})
	}
}

// TestStaleResultsThroughParent checks that a directory changed after its
// parent was read ahead (so that its own entry is stale) does not match
// what was read ahead before the change.
func TestStaleResultsThroughParent(t *testing.T) {
	dir := t.TempDir()
	buildTree(t, dir, "a/x", "z/f")
	root := openRoot(t, dir)
	p := newPrefetcher(t.Context(), root, ".", true, 0, prefetchHold)
	defer p.Stop()
	<-p.done
	w := NewWalker(root, WalkOptions{Recursive: true, Dirs: p})
	defer w.Close()
	if _, err := w.Next(); err != nil { // ".": its frame has the results for a and z
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // past the kernel's coarse clock tick
	must(t, os.WriteFile(filepath.Join(dir, "z", "tmp"), []byte("new and longer"), 0o644))
	must(t, os.Rename(filepath.Join(dir, "z", "tmp"), filepath.Join(dir, "z", "f")))
	for {
		e, err := w.Next()
		if err != nil {
			break
		}
		if e.Path == "z/f" && e.Size != int64(len("new and longer")) {
			t.Errorf("z/f: the walk reports size %d from before the change", e.Size)
		}
	}
}

// TestPrefetchOpen checks how workers open directories below the start,
// with openat2 and without: nested paths open, a symlink on the way does
// not, whatever it points to.
func TestPrefetchOpen(t *testing.T) {
	dir := prefetchTree(t)
	must(t, os.Symlink("e0", filepath.Join(dir, "d00", "link")))
	root := openRoot(t, dir)
	for _, noOpenat2 := range []bool{false, true} {
		for _, start := range []string{".", "d00"} {
			t.Run(fmt.Sprintf("start %s, no openat2 %v", start, noOpenat2), func(t *testing.T) {
				p := newPrefetcher(t.Context(), root, start, false, 0, prefetchHold)
				defer p.Stop()
				p.noOpenat2.Store(noOpenat2)
				for _, c := range []struct {
					path string
					ok   bool
				}{
					{start, true}, {"d00/e0", true}, {"d00/link", false}, {"d00/g", false},
				} {
					if start == "d00" && c.path == "." {
						continue
					}
					fd, err := p.open(c.path)
					if err == nil {
						unix.Close(fd)
					}
					if (err == nil) != c.ok {
						t.Errorf("open %s: %v, want success %v", c.path, err, c.ok)
					}
				}
			})
		}
	}
	p := newPrefetcher(t.Context(), root, "d00", true, 0, prefetchHold)
	defer p.Stop()
	<-p.done
	if p.reads != 2 {
		t.Errorf("from d00: read %d directories, want 2", p.reads)
	}
}

// TestPrefetchProbe checks the probe's decision: enough slow stats mean a
// cold cache (OnCold is called, the workers go on), fewer a warm one (the
// workers stop, OnCold is not called).
func TestPrefetchProbe(t *testing.T) {
	root := openRoot(t, t.TempDir())
	for _, c := range []struct {
		name string
		slow int // of prefetchProbe stats
		cold bool
	}{{"cold", prefetchCold, true}, {"warm", prefetchCold - 1, false}} {
		t.Run(c.name, func(t *testing.T) {
			called := 0
			OnCold = func() { called++ }
			defer func() { OnCold = nil }()
			p := &Prefetcher{root: root, probe: prefetchProbe}
			p.cond.L = &p.mu
			p.probing.Store(true)
			for i := range prefetchProbe + 10 {
				d := time.Microsecond
				if i < c.slow {
					d = time.Millisecond
				}
				p.timed(d)
			}
			if p.probing.Load() || called != map[bool]int{true: 1, false: 0}[c.cold] || p.halted.Load() == c.cold {
				t.Errorf("probing %v, OnCold called %d times, halted %v", p.probing.Load(), called, p.halted.Load())
			}
		})
	}
}
